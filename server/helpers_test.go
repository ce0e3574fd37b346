package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/runs"
)

// fakePipeline is a fake of our own Pipeline interface: it records calls and replays a script
// of progress reports.
type fakePipeline struct {
	mu       sync.Mutex
	refresh  []refreshCall
	faves    []faveCall
	script   []runs.Progress // Progress returns these in turn, then repeats the last
	calls    int
	ctxs     []context.Context
	failFave error
}

type refreshCall struct {
	NSID   string
	Reason runs.Reason
}

type faveCall struct {
	User, Photo string
}

func (f *fakePipeline) Refresh(_ context.Context, nsid string, reason runs.Reason) (runs.Progress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refresh = append(f.refresh, refreshCall{NSID: nsid, Reason: reason})
	return runs.Progress{RunID: "run-1", User: nsid, State: runs.StateRunning, Made: 1}, nil
}

func (f *fakePipeline) Progress(ctx context.Context, nsid string) (runs.Progress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctxs = append(f.ctxs, ctx)
	if len(f.script) == 0 {
		return runs.Progress{User: nsid, State: runs.StateNone}, nil
	}
	i := min(f.calls, len(f.script)-1)
	f.calls++
	p := f.script[i]
	p.User = nsid
	return p, nil
}

func (f *fakePipeline) FaveAdded(_ context.Context, user string, photo graph.Photo) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faves = append(f.faves, faveCall{User: user, Photo: photo.ID})
	return f.failFave
}

func (f *fakePipeline) refreshCalls() []refreshCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]refreshCall(nil), f.refresh...)
}

func (f *fakePipeline) faveCalls() []faveCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]faveCall(nil), f.faves...)
}

// env is one server over a real embedded graph and the real Flickr simulator.
type env struct {
	srv   *Server
	g     graph.Store
	sim   *flickrtest.Server
	world *flickrtest.World
	pipe  *fakePipeline
	clock *testClock
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newEnv builds a server; mutate may change the options before New.
func newEnv(tb testing.TB, mutate func(*Options)) *env {
	tb.Helper()
	ctx := context.Background()
	world := flickrtest.TinyWorld(7)
	sim := flickrtest.Start(tb, world, flickrtest.Options{})
	fc, err := flickr.New(flickr.Options{
		APIKey:     flickrtest.DefaultConsumerKey,
		APISecret:  flickrtest.DefaultConsumerSecret,
		APIBase:    sim.URL + "/services/rest/",
		OAuthBase:  sim.URL + "/services/oauth/",
		IconBase:   sim.URL + "/img/", // as the demo does: no request leaves loopback
		MaxRetries: -1,
	})
	if err != nil {
		tb.Fatalf("flickr.New: %v", err)
	}
	g, err := embedded.Open(ctx, embedded.Options{Dir: tb.TempDir(), Default: graph.Flexplore})
	if err != nil {
		tb.Fatalf("embedded.Open: %v", err)
	}
	tb.Cleanup(func() { _ = g.Close() })
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	pipe := &fakePipeline{}
	opts := Options{
		Graph:        g,
		Flickr:       fc,
		Pipeline:     pipe,
		BaseURL:      "http://photorec.test",
		SessionKey:   []byte("0123456789abcdef0123456789abcdef"),
		TokenKey:     []byte("fedcba9876543210fedcba9876543210"),
		Now:          clock.Now,
		PollInterval: 5 * time.Millisecond,
		RateLimit:    RateLimit{Requests: -1},
		// seedUser stores a member's neighbors and what they faved, not the people who faved the
		// same photos, so the tests rank with Flexplore, which that data decides; tests of the
		// default algorithm set it themselves.
		Algorithm: graph.Flexplore,
	}
	if mutate != nil {
		mutate(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	e := &env{srv: srv, g: g, sim: sim, world: world, pipe: pipe, clock: clock}
	if gs, ok := opts.Graph.(graph.Store); ok { // mutate may bring its own store
		e.g = gs
	}
	return e
}

// seedUser stores nsid's faves and their neighbors' faves from the simulated world, as a
// finished pull would, and returns nsid.
func (e *env) seedUser(tb testing.TB, nsid string) {
	tb.Helper()
	ctx := context.Background()
	at := e.clock.Now().Add(-time.Hour)
	owners := map[string]bool{}
	e.storeFaves(tb, nsid, at)
	for _, f := range e.world.FavesOf(nsid) {
		owners[f.Owner] = true
	}
	for o := range owners {
		e.storeFaves(tb, o, at)
	}
	for _, u := range append([]string{nsid}, keys(owners)...) {
		if err := e.g.FinishPull(ctx, graph.PullDone{User: u, PullID: "seed-" + u, Kind: graph.PullFull, At: at}); err != nil {
			tb.Fatalf("FinishPull %s: %v", u, err)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (e *env) storeFaves(tb testing.TB, nsid string, at time.Time) {
	tb.Helper()
	u, err := e.world.User(nsid)
	if err != nil {
		tb.Fatalf("world user %s: %v", nsid, err)
	}
	b := graph.FavesBatch{User: nsid, PullID: "seed-" + nsid, At: at}
	if err := e.g.UpsertUsers(context.Background(), []graph.User{{NSID: u.NSID, Username: u.Username, Realname: u.Realname}}); err != nil {
		tb.Fatalf("UpsertUsers: %v", err)
	}
	owners := map[string]bool{}
	for _, f := range e.world.FavesOf(nsid) {
		if !owners[f.Owner] {
			owners[f.Owner] = true
			if o, err := e.world.User(f.Owner); err == nil {
				b.Owners = append(b.Owners, graph.User{NSID: o.NSID, Username: o.Username, Realname: o.Realname})
			}
		}
		p, err := e.world.Photo(f.PhotoID)
		if err != nil {
			tb.Fatalf("world photo %s: %v", f.PhotoID, err)
		}
		b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: p.ID, Owner: p.Owner, Title: p.Title, Secret: p.Secret, Server: p.Server, Farm: p.Farm,
			ThumbURL: e.sim.URL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret + "_q.jpg",
			ImageURL: e.sim.URL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret + "_b.jpg", Width: p.Width, Height: p.Height}, FavedAt: f.FavedAt})
	}
	if err := e.g.AddFaves(context.Background(), b); err != nil {
		tb.Fatalf("AddFaves %s: %v", nsid, err)
	}
}

// heavyUser is the world's user with the most faves (rich recommendations).
func (e *env) heavyUser(tb testing.TB) string {
	tb.Helper()
	best, n := "", -1
	for _, u := range e.world.Users() {
		if !u.Deleted && u.Faves > n {
			best, n = u.NSID, u.Faves
		}
	}
	return best
}

// client is a browser: it keeps cookies and knows its CSRF token.
type client struct {
	t       *testing.T
	e       *env
	cookies map[string]*http.Cookie
}

func (e *env) client(t *testing.T) *client {
	t.Helper()
	return &client{t: t, e: e, cookies: map[string]*http.Cookie{}}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) errorCode() string {
	var b errorBody
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// rawBody is a request body sent as it is, with its content type.
type rawBody struct {
	ctype string
	b     []byte
}

// do sends one request through the app. body may be nil, url.Values (a form), a rawBody or any
// JSON value.
func (c *client) do(method, path string, body any, header map[string]string) response {
	c.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, ctype = bytes.NewReader(b.b), b.ctype
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encode body: %v", err)
		}
		rd, ctype = strings.NewReader(string(raw)), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	res, err := c.e.srv.App().Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	for _, ck := range res.Cookies() {
		c.cookies[ck.Name] = ck
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

func (c *client) get(path string) response { c.t.Helper(); return c.do(http.MethodGet, path, nil, nil) }

// csrf fetches the session's CSRF token (starting a session if needed).
func (c *client) csrf() string {
	c.t.Helper()
	var s sessionJSON
	c.get("/api/v1/session").decode(c.t, &s)
	return s.CSRFToken
}

// send is a state-changing request with the CSRF header.
func (c *client) send(method, path string, body any) response {
	c.t.Helper()
	return c.do(method, path, body, map[string]string{csrfHeader: c.csrf()})
}

// loginAs runs the whole OAuth dance against the simulator: POST /login -> the simulator's
// authorize page (its form POSTed) -> our callback -> session cookie.
func (c *client) loginAs(nsid string) {
	c.t.Helper()
	res := c.do(http.MethodPost, "/login", url.Values{csrfField: {c.csrf()}}, nil)
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("POST /login: status %d %s", res.Status, res.Body)
	}
	authURL, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		c.t.Fatalf("authorize url: %v", err)
	}
	if got := authURL.Query().Get("perms"); got != "write" {
		c.t.Fatalf("authorize url %s: perms %q, want write", authURL, got)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page, err := noFollow.Get(authURL.String())
	if err != nil || page.StatusCode != http.StatusOK {
		c.t.Fatalf("GET authorize page: %v %v", err, page)
	}
	page.Body.Close()
	form := url.Values{"oauth_token": {authURL.Query().Get("oauth_token")}, "perms": {"write"}, "login_as": {nsid}, "action": {"authorize"}}
	res2, err := noFollow.PostForm(c.e.sim.URL+"/services/oauth/authorize", form)
	if err != nil {
		c.t.Fatalf("POST authorize: %v", err)
	}
	res2.Body.Close()
	cb, err := url.Parse(res2.Header.Get("Location"))
	if err != nil || res2.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("authorize redirect: %d %q %v", res2.StatusCode, res2.Header.Get("Location"), err)
	}
	if cb.Host != "photorec.test" || cb.Path != "/login/callback" {
		c.t.Fatalf("callback %s, want http://photorec.test/login/callback", cb)
	}
	res = c.get(cb.RequestURI())
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/u/"+nsid {
		c.t.Fatalf("callback: status %d location %q body %s", res.Status, res.Header.Get("Location"), res.Body)
	}
}

// rawCookie decodes a cookie value for tamper tests.
func rawCookie(v string) []byte {
	b, _ := base64.RawURLEncoding.DecodeString(v)
	return b
}

func encodeB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// people lists everyone an item's reasons name, in order.
func people(it photoRecJSON) []contributionJSON {
	var out []contributionJSON
	for _, r := range it.Reasons {
		out = append(out, r.Users...)
	}
	return out
}
