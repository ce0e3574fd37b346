package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/runs"
)

func TestLoginFlowWithRedisRequestTokens(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	e := newEnv(t, func(o *Options) { o.Redis = rdb })
	nsid := e.heavyUser(t)
	c := e.client(t)
	c.loginAs(nsid)

	ck := c.cookies[sessionCookie]
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure (Options.Secure unset)", ck)
	}
	var s sessionJSON
	c.get("/api/v1/session").decode(t, &s)
	if !s.LoggedIn || s.User == nil || s.User.NSID != nsid {
		t.Fatalf("session after login = %+v, want logged in as %s", s, nsid)
	}

	// The access token is sealed at rest: the stored bytes hold neither token nor secret.
	sealed, err := e.g.Token(context.Background(), nsid)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	tok, err := e.srv.tokens.openToken(nsid, sealed)
	if err != nil {
		t.Fatalf("openToken: %v", err)
	}
	if tok.Token == "" || bytes.Contains(sealed, []byte(tok.Token)) || bytes.Contains(sealed, []byte(tok.Secret)) {
		t.Fatalf("stored token is not sealed: %q", sealed)
	}
	if _, err := e.srv.tokens.openToken("someone-else@N01", sealed); err == nil {
		t.Fatal("a token sealed for one user opened for another")
	}
	// Neither the session cookie nor any page carries the token.
	if bytes.Contains(rawCookie(ck.Value), []byte(tok.Token)) {
		t.Fatal("session cookie carries the access token in clear")
	}
	if got, want := e.pipe.refreshCalls(), []refreshCall{{NSID: nsid, Reason: runs.ReasonLogin}}; !cmp.Equal(got, want) {
		t.Fatalf("refresh calls after login: %s", cmp.Diff(want, got))
	}
	st, err := e.g.PullState(context.Background(), nsid)
	if err != nil || !st.Registered {
		t.Fatalf("PullState after login = %+v, %v; want Registered", st, err)
	}
	// The request-token secret was consumed.
	if n, err := rdb.Keys(context.Background(), "photorec:oauth:req:*").Result(); err != nil || len(n) != 0 {
		t.Fatalf("request tokens left in redis: %v %v", n, err)
	}

	// Logout needs the CSRF token, then forgets the Flickr token.
	if res := c.do(http.MethodPost, "/logout", url.Values{}, nil); res.Status != http.StatusForbidden || res.errorCode() != codeCSRF {
		t.Fatalf("logout without CSRF: %d %s", res.Status, res.Body)
	}
	res := c.do(http.MethodPost, "/logout", url.Values{csrfField: {c.csrf()}}, nil)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("logout: %d %q", res.Status, res.Header.Get("Location"))
	}
	if _, err := e.g.Token(context.Background(), nsid); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("Token after logout: %v, want ErrNotFound", err)
	}
	c.get("/api/v1/session").decode(t, &s)
	if s.LoggedIn {
		t.Fatal("still logged in after logout")
	}
}

func TestLoginCallbackRejects(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	tests := []struct {
		name  string
		query func(pending string) string
	}{
		{"no pending login", func(string) string { return "oauth_token=abc&oauth_verifier=def" }},
		{"token of another browser", func(string) string { return "oauth_token=not-mine&oauth_verifier=def" }},
		{"missing verifier", func(p string) string { return "oauth_token=" + p }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client(t)
			pending := ""
			if i > 0 {
				res := c.do(http.MethodPost, "/login", url.Values{csrfField: {c.csrf()}}, nil)
				u, _ := url.Parse(res.Header.Get("Location"))
				pending = u.Query().Get("oauth_token")
			}
			res := c.do(http.MethodGet, "/login/callback?"+tt.query(pending), nil, map[string]string{"Accept": "application/json"})
			if res.Status != http.StatusBadRequest || res.errorCode() != codeLoginFailed {
				t.Fatalf("callback: %d %s, want 400 login_failed", res.Status, res.Body)
			}
		})
	}
	t.Run("replayed callback", func(t *testing.T) {
		c := e.client(t)
		c.loginAs(nsid)
		// A second use of the same callback finds no pending login in the new session.
		res := c.do(http.MethodGet, "/login/callback?oauth_token=x&oauth_verifier=y", nil, map[string]string{"Accept": "application/json"})
		if res.Status != http.StatusBadRequest || res.errorCode() != codeLoginFailed {
			t.Fatalf("replay: %d %s", res.Status, res.Body)
		}
	})
}

func TestLoginWithoutCSRF(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	res := c.do(http.MethodPost, "/login", url.Values{}, nil)
	if res.Status != http.StatusForbidden || res.errorCode() != codeCSRF {
		t.Fatalf("POST /login without CSRF: %d %s", res.Status, res.Body)
	}
}

func TestRequestTokenStores(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	clock := &testClock{now: time.Unix(1_700_000_000, 0)}
	stores := map[string]requestTokenStore{
		"memory": newMemoryRequestTokens(clock.Now),
		"redis":  redisRequestTokens{rdb: rdb},
	}
	ctx := context.Background()
	for name, st := range stores {
		t.Run(name, func(t *testing.T) {
			if err := st.put(ctx, "tok-"+name, "secret", time.Minute); err != nil {
				t.Fatalf("put: %v", err)
			}
			got, err := st.take(ctx, "tok-"+name)
			if err != nil || got != "secret" {
				t.Fatalf("take = %q, %v; want secret", got, err)
			}
			if _, err := st.take(ctx, "tok-"+name); !errors.Is(err, errNoRequestToken) {
				t.Fatalf("second take: %v, want errNoRequestToken", err)
			}
			if _, err := st.take(ctx, "never"); !errors.Is(err, errNoRequestToken) {
				t.Fatalf("unknown take: %v, want errNoRequestToken", err)
			}
		})
	}
	t.Run("memory expiry", func(t *testing.T) {
		m := newMemoryRequestTokens(clock.Now)
		if err := m.put(ctx, "t", "s", time.Minute); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Minute)
		if _, err := m.take(ctx, "t"); !errors.Is(err, errNoRequestToken) {
			t.Fatalf("expired take: %v, want errNoRequestToken", err)
		}
	})
	t.Run("redis expiry is set", func(t *testing.T) {
		r := redisRequestTokens{rdb: rdb}
		if err := r.put(ctx, "ttl", "s", time.Minute); err != nil {
			t.Fatal(err)
		}
		ttl, err := rdb.TTL(ctx, "photorec:oauth:req:ttl").Result()
		if err != nil || ttl <= 0 || ttl > time.Minute {
			t.Fatalf("TTL = %v, %v; want within (0, 1m]", ttl, err)
		}
	})
}

func TestSessionCookieTamper(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	c := e.client(t)
	c.loginAs(nsid)
	ck := c.cookies[sessionCookie]
	raw := rawCookie(ck.Value)
	raw[len(raw)-1] ^= 1
	if got := e.srv.openSession(encodeB64(raw)); got != nil {
		t.Fatalf("tampered cookie opened: %+v", got)
	}
	// Past its expiry a cookie no longer opens.
	e.clock.Advance(31 * 24 * time.Hour)
	if got := e.srv.openSession(ck.Value); got != nil {
		t.Fatalf("expired cookie opened: %+v", got)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecretsNeverLogged logs at debug level through a login, a failed fave and a logout, and
// looks for the access token, its secret and the session cookie in the log.
func TestSecretsNeverLogged(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	sealed, err := e.g.Token(context.Background(), nsid)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.srv.tokens.openToken(nsid, sealed)
	if err != nil {
		t.Fatal(err)
	}
	cookie := c.cookies[sessionCookie].Value
	e.sim.SetFaults(flickrtest.Faults{ServerError: 1})
	if res := c.send(http.MethodPost, "/api/v1/photos/"+notFavedPhoto(t, c, nsid)+"/fave", nil); res.Status != http.StatusBadGateway {
		t.Fatalf("fave under faults: %d", res.Status)
	}
	e.sim.SetFaults(flickrtest.Faults{})
	c.send(http.MethodPost, "/api/v1/logout", nil)
	out := logs.String()
	if !strings.Contains(out, "request failed") || !strings.Contains(out, "user logged in") {
		t.Fatalf("expected log lines missing:\n%s", out)
	}
	for name, secret := range map[string]string{"access token": tok.Token, "token secret": tok.Secret, "session cookie": cookie} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
}
