package server

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/internal/testsvc"
)

const testAdminPassword = "correct horse battery"

// adminEnv is a server with the admin pages on a real redis-server holding one queued task in
// queue "pull".
func adminEnv(t *testing.T) *env {
	t.Helper()
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	q := asynq.NewClientFromRedisClient(rdb)
	if _, err := q.Enqueue(asynq.NewTask("pull:faves", []byte(`{}`)), asynq.Queue("pull")); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return newEnv(t, func(o *Options) {
		o.AdminPassword = testAdminPassword
		o.QueueRedis = rdb
	})
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func adminDo(t *testing.T, e *env, method, path string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return res.StatusCode, res.Header, string(body)
}

func TestAdminQueuesAuth(t *testing.T) {
	e := adminEnv(t)
	right := basic("admin", testAdminPassword)
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		wantStatus int
		wantBody   string // substring
	}{
		{"no credentials", http.MethodGet, "/admin/queues", nil, 401, "unauthorized"},
		{"no credentials, api", http.MethodGet, "/admin/queues/api/queues", nil, 401, "unauthorized"},
		{"wrong password", http.MethodGet, "/admin/queues", map[string]string{"Authorization": basic("admin", "hunter2")}, 401, "unauthorized"},
		{"password with a suffix", http.MethodGet, "/admin/queues", map[string]string{"Authorization": basic("admin", testAdminPassword+"x")}, 401, "unauthorized"},
		{"wrong user", http.MethodGet, "/admin/queues", map[string]string{"Authorization": basic("root", testAdminPassword)}, 401, "unauthorized"},
		{"not basic", http.MethodGet, "/admin/queues", map[string]string{"Authorization": "Bearer " + testAdminPassword}, 401, "unauthorized"},
		{"index", http.MethodGet, "/admin/queues", map[string]string{"Authorization": right}, 200, `src="/admin/queues/static/js/main.`},
		{"deep link renders the index", http.MethodGet, "/admin/queues/queues/pull", map[string]string{"Authorization": right}, 200, `src="/admin/queues/static/js/main.`},
		{"api lists the queue", http.MethodGet, "/admin/queues/api/queues", map[string]string{"Authorization": right}, 200, `"queue":"pull"`},
		{"cross-origin write refused", http.MethodPost, "/admin/queues/api/queues/pull:pause",
			map[string]string{"Authorization": right, "Origin": "https://evil.example"}, 403, "cross-origin"},
		{"cross-site fetch refused", http.MethodDelete, "/admin/queues/api/queues/pull/pending_tasks:delete_all",
			map[string]string{"Authorization": right, "Sec-Fetch-Site": "cross-site"}, 403, "cross-origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := adminDo(t, e, tt.method, tt.path, tt.header)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("status %d body %.300q, want %d containing %q", status, body, tt.wantStatus, tt.wantBody)
			}
			if status == 401 && !strings.HasPrefix(header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("WWW-Authenticate %q, want a Basic challenge", header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestAdminQueuesSameOriginWrite(t *testing.T) {
	e := adminEnv(t)
	h := map[string]string{"Authorization": basic("admin", testAdminPassword), "Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}
	status, _, body := adminDo(t, e, http.MethodPost, "/admin/queues/api/queues/pull:pause", h)
	if status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("pause: status %d body %q", status, body)
	}
	status, _, body = adminDo(t, e, http.MethodGet, "/admin/queues/api/queues/pull", map[string]string{"Authorization": h["Authorization"]})
	if status != 200 || !strings.Contains(body, `"paused":true`) {
		t.Fatalf("queue after pause: status %d body %.300q, want paused", status, body)
	}
}

func TestAdminQueuesCSPOnlyThere(t *testing.T) {
	e := adminEnv(t)
	_, admin, _ := adminDo(t, e, http.MethodGet, "/admin/queues", map[string]string{"Authorization": basic("admin", testAdminPassword)})
	_, home, _ := adminDo(t, e, http.MethodGet, "/", nil)
	got := map[string]bool{
		"admin allows inline scripts": strings.Contains(admin.Get("Content-Security-Policy"), "script-src 'self' 'unsafe-inline'"),
		"home allows inline scripts":  strings.Contains(home.Get("Content-Security-Policy"), "'unsafe-inline'"),
		"home has a policy":           strings.Contains(home.Get("Content-Security-Policy"), "script-src 'self'"),
	}
	want := map[string]bool{"admin allows inline scripts": true, "home allows inline scripts": false, "home has a policy": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("CSP (-want +got):\n%s", diff)
	}
}

func TestAdminQueuesDisabled(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	tests := []struct {
		name   string
		mutate func(*Options)
	}{
		{"no password", func(o *Options) { o.QueueRedis = rdb }},
		{"no queue redis", func(o *Options) { o.AdminPassword = testAdminPassword }},
		{"neither", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.mutate)
			for _, path := range []string{"/admin/queues", "/admin/queues/api/queues"} {
				status, _, _ := adminDo(t, e, http.MethodGet, path, map[string]string{"Authorization": basic("admin", testAdminPassword)})
				if status != http.StatusNotFound {
					t.Errorf("GET %s: status %d, want 404", path, status)
				}
			}
		})
	}
}

// TestAdminAttemptsLimited: wrong admin passwords count per client IP and in total; past either
// limit every request (even with the right password) gets 429 with Retry-After until the window
// ends; each failure and each limit reached is logged, never with the password tried.
func TestAdminAttemptsLimited(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.AdminPassword = testAdminPassword
		o.AdminLimit = AdminLimit{PerIP: 3, Total: 5, Window: time.Minute}
		o.ProxyHeader = "X-Forwarded-For"
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	const wrong = "tr0ub4dor&3"
	steps := []struct {
		name    string
		advance time.Duration
		ip      string
		pass    string
		status  int
	}{
		{"a wrong 1", 0, "192.0.2.1", wrong, 401},
		{"a wrong 2", 0, "192.0.2.1", wrong, 401},
		{"a no credentials (not an attempt)", 0, "192.0.2.1", "", 401},
		{"a wrong 3 reaches the per-IP limit", 0, "192.0.2.1", wrong, 401},
		{"a is refused", 0, "192.0.2.1", wrong, 429},
		{"a is refused even with the password", 0, "192.0.2.1", testAdminPassword, 429},
		{"b is another IP", 0, "192.0.2.2", testAdminPassword, 200},
		{"b wrong 1", 0, "192.0.2.2", wrong, 401},
		{"c wrong 1 reaches the total limit", 0, "192.0.2.3", wrong, 401},
		{"d is refused by the total", 0, "192.0.2.4", testAdminPassword, 429},
		{"b is refused by the total", 30 * time.Second, "192.0.2.2", testAdminPassword, 429},
		{"the window ends for all", 31 * time.Second, "192.0.2.1", testAdminPassword, 200},
		{"b again", 0, "192.0.2.2", wrong, 401},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		h := map[string]string{"X-Forwarded-For": st.ip}
		if st.pass != "" {
			h["Authorization"] = basic("admin", st.pass)
		}
		status, header, _ := adminDo(t, e, http.MethodGet, AdminBackupPath, h)
		if status != st.status {
			t.Fatalf("%s: status %d, want %d", st.name, status, st.status)
		}
		if ra := header.Get("Retry-After"); (status == 429) != (ra != "") || status == 429 && (ra == "0" || len(ra) > 2) {
			t.Fatalf("%s: Retry-After %q with status %d, want 1..60 seconds exactly on 429", st.name, ra, status)
		}
	}
	out := logs.String()
	for _, want := range []string{
		`msg="admin password attempt failed" ip=192.0.2.1`,
		`msg="admin password attempts limited" ip=192.0.2.1 scope=ip`,
		`msg="admin password attempts limited" ip=192.0.2.3 scope=total`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "admin password attempt failed"); n != 6 {
		t.Errorf("%d failed attempts logged, want 6:\n%s", n, out)
	}
	if strings.Contains(out, wrong) || strings.Contains(out, testAdminPassword) {
		t.Error("the log holds a password")
	}
}
