package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

func TestPages(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	// A user with too few faves gets the getting-started page.
	var light string
	for _, u := range e.world.Users() {
		if !u.Deleted && u.Faves > 0 && u.Faves < minFavesForRecs {
			light = u.NSID
			break
		}
	}
	if light == "" {
		t.Fatal("tiny world has no user with 1..4 faves")
	}
	e.storeFaves(t, light, e.clock.Now())
	if err := e.g.FinishPull(context.Background(), graph.PullDone{User: light, PullID: "seed-" + light, Kind: graph.PullFull, At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
	}{
		{"welcome", "/", 200, []string{`data-testid="login-button"`, `data-testid="browse-input"`, `name="csrf_token"`}},
		{"recommendations", "/u/" + nsid, 200, []string{`data-mode="recommendations"`, `data-testid="photo-grid"`, `data-testid="people-list"`, `data-testid="read-only-notice"`}},
		{"getting started", "/u/" + light, 200, []string{`data-mode="getting-started"`, `data-algorithm="popularity"`, `data-testid="getting-started"`}},
		{"taste", "/u/" + nsid + "/taste", 200, []string{`data-testid="taste-graph"`, `/static/taste.js`}},
		{"unknown user", "/u/nobody@N00", 404, []string{`data-testid="error-message"`}},
		{"unknown page", "/nope", 404, []string{`data-testid="error-message"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.client(t).do(http.MethodGet, tt.path, nil, map[string]string{"Accept": "text/html"})
			if res.Status != tt.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("status %d %q, want %d html", res.Status, res.Header.Get("Content-Type"), tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(res.Body), w) {
					t.Errorf("page lacks %s", w)
				}
			}
		})
	}
	t.Run("owner sees actions, no read-only notice", func(t *testing.T) {
		c := e.client(t)
		c.loginAs(nsid)
		body := string(c.get("/u/" + nsid).Body)
		if !strings.Contains(body, `data-owner="true"`) || strings.Contains(body, `read-only-notice`) || !strings.Contains(body, `data-testid="logout"`) {
			t.Fatal("owner page: missing owner mode or logout, or shows the read-only notice")
		}
	})
}

func TestBrowse(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	u, err := e.world.User(nsid)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	res := c.do(http.MethodPost, "/browse", url.Values{"q": {u.Username}, csrfField: {c.csrf()}}, nil)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/u/"+url.PathEscape(nsid) {
		t.Fatalf("browse: %d %q %s", res.Status, res.Header.Get("Location"), res.Body)
	}
	if got, want := e.pipe.refreshCalls(), []refreshCall{{NSID: nsid, Reason: runs.ReasonView}}; !cmp.Equal(got, want) {
		t.Fatalf("browsing a never-pulled user: refresh calls %s", cmp.Diff(want, got))
	}
	// While the first pull runs, the user page is the progress page.
	e.pipe.script = []runs.Progress{{RunID: "r", State: runs.StateRunning, Made: 2}}
	body := string(c.get("/u/" + nsid).Body)
	if !strings.Contains(body, `data-mode="progress"`) || !strings.Contains(body, `data-testid="progress-bar"`) || !strings.Contains(body, `data-running="true"`) {
		t.Fatal("progress page missing its mode or bar")
	}
	if len(e.pipe.refreshCalls()) != 1 {
		t.Fatalf("a running pull was started again: %v", e.pipe.refreshCalls())
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"unknown", url.Values{"q": {"https://www.flickr.com/photos/nobody-by-this-alias/"}}, 404, "maybe there is a typo"},
		{"empty", url.Values{"q": {""}}, 400, `data-testid="browse-error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set(csrfField, c.csrf())
			res := c.do(http.MethodPost, "/browse", tt.form, map[string]string{"Accept": "text/html"})
			if res.Status != tt.status || !strings.Contains(string(res.Body), tt.want) {
				t.Fatalf("status %d, want %d with %q:\n%s", res.Status, tt.status, tt.want, res.Body)
			}
		})
	}
	t.Run("missing csrf", func(t *testing.T) {
		res := c.do(http.MethodPost, "/browse", url.Values{"q": {u.Username}}, nil)
		if res.Status != http.StatusForbidden || res.errorCode() != codeCSRF {
			t.Fatalf("status %d %s", res.Status, res.Body)
		}
	})
	t.Run("stale page keeps what was typed", func(t *testing.T) {
		typed := "someone <typed> this"
		res := c.do(http.MethodPost, "/browse", url.Values{"q": {typed}, csrfField: {"stale-token"}}, map[string]string{"Accept": "text/html"})
		body := string(res.Body)
		if res.Status != http.StatusForbidden || !strings.Contains(body, `data-testid="browse-error"`) ||
			!strings.Contains(body, "someone &lt;typed&gt; this") || !strings.Contains(body, "Press Browse again") {
			t.Fatalf("status %d, want 403 with the welcome form, the typed text and a retry message:\n%s", res.Status, body)
		}
		// The re-rendered form carries a valid token: submitting it again works.
		if res := c.do(http.MethodPost, "/browse", url.Values{"q": {u.Username}, csrfField: {c.csrf()}}, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("browse after the stale page: %d %s", res.Status, res.Body)
		}
	})
}

// TestGettingStartedPhotos: a user with too few faves is offered popular photos, never one they
// already faved.
func TestGettingStartedPhotos(t *testing.T) {
	e := newEnv(t, nil)
	var light string
	for _, u := range e.world.Users() {
		if !u.Deleted && u.Faves > 0 && u.Faves < minFavesForRecs {
			light = u.NSID
			break
		}
	}
	// The world's other faves make photos popular.
	e.seedUser(t, e.heavyUser(t))
	e.storeFaves(t, light, e.clock.Now())
	c := e.client(t)
	var sum summaryJSON
	c.get("/api/v1/users/"+url.PathEscape(light)).decode(t, &sum)
	if !sum.GettingStarted {
		t.Fatalf("user with %d faves, %d neighbors is not getting started", sum.Faves, sum.Neighbors)
	}
	var page photoPageJSON
	res := c.get("/api/v1/users/" + url.PathEscape(light) + "/recommendations/photos?algorithm=popularity&limit=500")
	if res.Status != 200 {
		t.Fatalf("popularity: %d %s", res.Status, res.Body)
	}
	res.decode(t, &page)
	if len(page.Items) == 0 {
		t.Fatal("no popular photos to start with")
	}
	faved := map[string]bool{}
	for _, f := range e.world.FavesOf(light) {
		faved[f.PhotoID] = true
	}
	for _, it := range page.Items {
		if faved[it.Photo.ID] {
			t.Fatalf("offered photo %s, which the user already faved", it.Photo.ID)
		}
	}
}
