package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/testsvc"
)

// sessionEnvs builds the server over each session store: in process, and on a real Redis.
func sessionEnvs(t *testing.T) map[string]*env {
	t.Helper()
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return map[string]*env{
		"memory": newEnv(t, nil),
		"redis":  newEnv(t, func(o *Options) { o.Redis = rdb }),
	}
}

func (c *client) loggedInAs() string {
	c.t.Helper()
	var s sessionJSON
	c.get("/api/v1/session").decode(c.t, &s)
	if !s.LoggedIn || s.User == nil {
		return ""
	}
	return s.User.NSID
}

// otherUser is a member of the world other than nsid.
func (e *env) otherUser(nsid string) string {
	for _, u := range e.world.Users() {
		if u.NSID != nsid && !u.Deleted {
			return u.NSID
		}
	}
	panic("a world of one member")
}

// replay is a new browser that sends the cookie c had at the time of the call.
func (c *client) replay() *client {
	c.t.Helper()
	r := c.e.client(c.t)
	ck := *c.cookies[sessionCookie]
	r.cookies[sessionCookie] = &ck
	return r
}

// TestLogoutEndsTheSession: after logout, the old cookie (replayed with its own CSRF token, as
// someone who copied it would) logs nobody in, and its writes are refused and change nothing.
func TestLogoutEndsTheSession(t *testing.T) {
	for name, e := range sessionEnvs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			nsid := e.heavyUser(t)
			e.seedUser(t, nsid)
			c := e.client(t)
			c.loginAs(nsid)
			var page photoPageJSON
			c.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=2").decode(t, &page)
			if len(page.Items) < 2 {
				t.Fatalf("%d recommendations, want 2", len(page.Items))
			}
			photos := []string{page.Items[0].Photo.ID, page.Items[1].Photo.ID}
			oldCSRF := c.csrf()
			stolen := c.replay()
			dismiss := func(c *client, photo string) response {
				return c.do(http.MethodPost, "/api/v1/users/"+url.PathEscape(nsid)+"/dismissed/photos/"+photo, nil, map[string]string{csrfHeader: oldCSRF})
			}
			if res := dismiss(stolen.replay(), photos[0]); res.Status != http.StatusNoContent {
				t.Fatalf("dismiss with the cookie before logout: %d %s", res.Status, res.Body)
			}

			if res := c.send(http.MethodPost, "/api/v1/logout", nil); res.Status != http.StatusNoContent {
				t.Fatalf("logout: %d %s", res.Status, res.Body)
			}
			if got := stolen.replay().loggedInAs(); got != "" {
				t.Fatalf("old cookie after logout is logged in as %s", got)
			}
			before, err := e.g.Summary(ctx, nsid)
			if err != nil {
				t.Fatal(err)
			}
			writes := []struct {
				name string
				res  response
			}{
				{"dismiss", dismiss(stolen.replay(), photos[1])},
				{"refresh", stolen.replay().do(http.MethodPost, "/api/v1/users/"+url.PathEscape(nsid)+"/refresh", nil, map[string]string{csrfHeader: oldCSRF})},
				{"fave", stolen.replay().do(http.MethodPost, "/api/v1/photos/"+photos[1]+"/fave", nil, map[string]string{csrfHeader: oldCSRF})},
			}
			for _, w := range writes {
				if w.res.Status != http.StatusForbidden && w.res.Status != http.StatusUnauthorized {
					t.Errorf("%s with the old cookie: %d %s, want it refused", w.name, w.res.Status, w.res.Body)
				}
			}
			// Even with the CSRF token of the anonymous session it now gets, it is nobody.
			anon := stolen.replay()
			if res := anon.send(http.MethodPost, "/api/v1/users/"+url.PathEscape(nsid)+"/dismissed/photos/"+photos[1], nil); res.Status != http.StatusUnauthorized || res.errorCode() != codeUnauthenticated {
				t.Errorf("dismiss with the old cookie and a fresh CSRF token: %d %s, want 401 unauthenticated", res.Status, res.Body)
			}
			after, err := e.g.Summary(ctx, nsid)
			if err != nil {
				t.Fatal(err)
			}
			if after.Dismissals != before.Dismissals || after.Faves != before.Faves {
				t.Errorf("refused writes changed the graph: dismissals %d -> %d, faves %d -> %d", before.Dismissals, after.Dismissals, before.Faves, after.Faves)
			}
			if refreshes := e.pipe.refreshCalls(); len(refreshes) != 1 {
				t.Errorf("refresh calls %+v, want only the login's", refreshes)
			}
		})
	}
}

// TestLogoutOneOfManySessions: logging out in one browser leaves the member's other sessions
// and their Flickr token alone; the last logout forgets the token.
func TestLogoutOneOfManySessions(t *testing.T) {
	for name, e := range sessionEnvs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			nsid := e.heavyUser(t)
			a, b := e.client(t), e.client(t)
			a.loginAs(nsid)
			b.loginAs(nsid)
			if res := a.send(http.MethodPost, "/api/v1/logout", nil); res.Status != http.StatusNoContent {
				t.Fatalf("logout a: %d %s", res.Status, res.Body)
			}
			if a.loggedInAs() != "" || b.loggedInAs() != nsid {
				t.Fatalf("after a's logout: a %q, b %q; want a nobody, b %s", a.loggedInAs(), b.loggedInAs(), nsid)
			}
			if _, err := e.g.Token(ctx, nsid); err != nil {
				t.Fatalf("token after logging out one of two sessions: %v", err)
			}
			if res := b.send(http.MethodPost, "/api/v1/logout", nil); res.Status != http.StatusNoContent {
				t.Fatalf("logout b: %d %s", res.Status, res.Body)
			}
			if _, err := e.g.Token(ctx, nsid); !errors.Is(err, graph.ErrNotFound) {
				t.Fatalf("token after the last logout: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestLogoutEverywhere: the form button and the API route end every session of the member, in
// every browser, and forget the token; other members stay logged in; it needs a login and CSRF.
func TestLogoutEverywhere(t *testing.T) {
	for name, e := range sessionEnvs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			nsid := e.heavyUser(t)
			other := e.otherUser(nsid)
			tests := []struct {
				name   string
				logout func(c *client) response
				status int
			}{
				{"form", func(c *client) response {
					return c.do(http.MethodPost, "/logout/everywhere", url.Values{csrfField: {c.csrf()}}, nil)
				}, http.StatusSeeOther},
				{"api", func(c *client) response { return c.send(http.MethodPost, "/api/v1/logout/everywhere", nil) }, http.StatusNoContent},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					a, b, o := e.client(t), e.client(t), e.client(t)
					a.loginAs(nsid)
					b.loginAs(nsid)
					o.loginAs(other)
					page := a.get("/u/" + url.PathEscape(nsid))
					if !strings.Contains(string(page.Body), `action="/logout/everywhere"`) {
						t.Fatalf("the page of a logged-in member has no log-out-everywhere form")
					}
					bOld := b.replay()
					if res := tt.logout(a); res.Status != tt.status {
						t.Fatalf("logout everywhere: %d %s, want %d", res.Status, res.Body, tt.status)
					}
					if a.loggedInAs() != "" || b.loggedInAs() != "" || bOld.loggedInAs() != "" {
						t.Fatal("a session of the member is still logged in after logging out everywhere")
					}
					if got := o.loggedInAs(); got != other {
						t.Fatalf("another member's session: logged in as %q, want %s", got, other)
					}
					if _, err := e.g.Token(ctx, nsid); !errors.Is(err, graph.ErrNotFound) {
						t.Fatalf("token after logging out everywhere: %v, want ErrNotFound", err)
					}
				})
			}
			t.Run("refused", func(t *testing.T) {
				anon := e.client(t)
				if res := anon.send(http.MethodPost, "/api/v1/logout/everywhere", nil); res.Status != http.StatusUnauthorized || res.errorCode() != codeUnauthenticated {
					t.Errorf("anonymous: %d %s, want 401 unauthenticated", res.Status, res.Body)
				}
				c := e.client(t)
				c.loginAs(nsid)
				if res := c.do(http.MethodPost, "/api/v1/logout/everywhere", nil, nil); res.Status != http.StatusForbidden || res.errorCode() != codeCSRF {
					t.Errorf("without CSRF: %d %s, want 403 csrf", res.Status, res.Body)
				}
				if c.loggedInAs() != nsid {
					t.Error("a refused logout everywhere logged the member out")
				}
			})
		})
	}
}

// TestSessionStores: both stores agree on start, live, expiry, end (counting the sessions
// left) and endAll.
func TestSessionStores(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	t0 := time.Unix(1_700_000_000, 0)
	for name, st := range map[string]sessionStore{"memory": newMemorySessions(), "redis": redisSessions{rdb: rdb}} {
		t.Run(name, func(t *testing.T) {
			live := func(nsid, id string, at time.Time) bool {
				t.Helper()
				ok, err := st.live(ctx, nsid, id, at)
				if err != nil {
					t.Fatalf("live: %v", err)
				}
				return ok
			}
			for _, s := range []struct {
				nsid, id string
				at       time.Time
			}{{"m1", "a", t0}, {"m1", "b", t0.Add(time.Hour)}, {"m1", "c", t0.Add(2 * time.Hour)}, {"m2", "a", t0}} {
				if err := st.start(ctx, s.nsid, s.id, s.at, 24*time.Hour); err != nil {
					t.Fatalf("start: %v", err)
				}
			}
			if !live("m1", "a", t0) || !live("m2", "a", t0) || live("m1", "nope", t0) || live("m3", "a", t0) {
				t.Fatal("live: wrong answer for started or unknown sessions")
			}
			if live("m1", "a", t0.Add(24*time.Hour)) || !live("m1", "b", t0.Add(24*time.Hour)) {
				t.Fatal("live: a session must end at its ttl and not before")
			}
			left, err := st.end(ctx, "m1", "b", t0.Add(24*time.Hour+time.Minute))
			if err != nil || left != 1 {
				t.Fatalf("end = %d, %v; want 1 left (c; a expired)", left, err)
			}
			if left, err := st.end(ctx, "m1", "b", t0); err != nil || left != 2 {
				t.Fatalf("ending again = %d, %v; want 2 left at t0 (a, c)", left, err)
			}
			if err := st.endAll(ctx, "m1"); err != nil {
				t.Fatal(err)
			}
			if live("m1", "c", t0) || !live("m2", "a", t0) {
				t.Fatal("endAll must end every session of its member and no other")
			}
		})
	}
}
