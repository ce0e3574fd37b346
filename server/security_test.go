package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/internal/testsvc"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Secure = true })
	for _, path := range []string{"/", "/api/v1/session", "/static/app.js"} {
		res := e.client(t).get(path)
		if res.Status != 200 {
			t.Fatalf("GET %s: %d", path, res.Status)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP allows inline code: %q", path, csp)
		}
		for h, want := range map[string]string{
			"X-Content-Type-Options":    "nosniff",
			"X-Frame-Options":           "DENY",
			"Referrer-Policy":           "strict-origin-when-cross-origin",
			"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, h, got, want)
			}
		}
	}
	c := e.client(t)
	c.get("/")
	if ck := c.cookies[sessionCookie]; ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie with Secure option: %+v", ck)
	}
}

func TestTemplatesHaveNoInlineCode(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	for _, path := range []string{"/", "/u/" + nsid, "/u/" + nsid + "/taste"} {
		res := e.client(t).get(path)
		body := string(res.Body)
		for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onload", "javascript:"} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: page contains %q, which the CSP forbids", path, bad)
			}
		}
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RateLimit = RateLimit{Requests: 3} })
	c := e.client(t)
	for i := range 3 {
		if res := c.get("/api/v1/session"); res.Status != 200 {
			t.Fatalf("request %d: %d", i+1, res.Status)
		}
	}
	res := c.get("/api/v1/session")
	if res.Status != http.StatusTooManyRequests || res.errorCode() != codeRateLimited {
		t.Fatalf("4th request: %d %s, want 429 rate_limited", res.Status, res.Body)
	}
	if res := c.get("/healthz"); res.Status != 200 {
		t.Fatalf("healthz is rate limited: %d", res.Status)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	var graphPing func(context.Context) error
	e := newEnv(t, func(o *Options) {
		graphPing = o.Graph.Ping
		o.Ready = []Check{
			{Name: "graph", Func: func(ctx context.Context) error { return graphPing(ctx) }},
			{Name: "redis", Func: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
		}
	})
	c := e.client(t)
	if res := c.get("/healthz"); res.Status != 200 {
		t.Fatalf("healthz: %d", res.Status)
	}
	var ready readyJSON
	res := c.get("/readyz")
	res.decode(t, &ready)
	if res.Status != 200 || ready.Status != "ok" || ready.Checks["graph"] != "ok" || ready.Checks["redis"] != "ok" {
		t.Fatalf("readyz: %d %+v", res.Status, ready)
	}
	rs.Stop()
	res = c.get("/readyz")
	res.decode(t, &ready)
	if res.Status != http.StatusServiceUnavailable || ready.Checks["redis"] != "failing" || ready.Checks["graph"] != "ok" {
		t.Fatalf("readyz with redis down: %d %+v", res.Status, ready)
	}
	if strings.Contains(string(res.Body), "connection refused") {
		t.Fatalf("readyz leaks the error: %s", res.Body)
	}
	graphPing = func(context.Context) error { return errors.New("closed") }
	res = c.get("/readyz")
	res.decode(t, &ready)
	if ready.Checks["graph"] != "failing" {
		t.Fatalf("readyz with graph down: %+v", ready)
	}
	res = c.get("/metrics")
	if res.Status != 200 || !strings.Contains(string(res.Body), `photorec_http_requests_total{method="GET",route="/readyz",status="503"}`) {
		t.Fatalf("metrics: %d\n%s", res.Status, res.Body)
	}
}
