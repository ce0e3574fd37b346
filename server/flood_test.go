package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/internal/testsvc"
)

// floodEnv is a server on a real loopback listener, metered by the Redis rate limiter at the
// production budget (flickr.calls_per_hour 3,480, flickr.burst 120), over the simulator, with
// the server's RateLimit rate and FlickrLimit lim.
type floodEnv struct {
	*env
	url string
	rdb redis.UniversalClient
}

func newFloodEnv(t *testing.T, rate RateLimit, lim FlickrLimit) *floodEnv {
	t.Helper()
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	world := flickrtest.TinyWorld(7)
	sim := flickrtest.Start(t, world, flickrtest.Options{Latency: 100 * time.Millisecond})
	fc, err := flickr.New(flickr.Options{
		APIKey:     flickrtest.DefaultConsumerKey,
		APISecret:  flickrtest.DefaultConsumerSecret,
		APIBase:    sim.URL + "/services/rest/",
		OAuthBase:  sim.URL + "/services/oauth/",
		MaxRetries: -1,
		Limiter:    flickr.NewRedisLimiter(rdb, flickr.LimitOptions{CallsPerHour: 3480, Burst: 120}),
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := embedded.Open(context.Background(), embedded.Options{Dir: t.TempDir(), Default: graph.Flexplore})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	clock := &testClock{now: time.Now()}
	pipe := &fakePipeline{}
	srv, err := New(Options{
		Graph:       g,
		Flickr:      fc,
		Pipeline:    pipe,
		Redis:       rdb,
		BaseURL:     base,
		SessionKey:  []byte("0123456789abcdef0123456789abcdef"),
		TokenKey:    []byte("fedcba9876543210fedcba9876543210"),
		Algorithm:   graph.Flexplore,
		RateLimit:   rate,
		FlickrLimit: lim,
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return &floodEnv{env: &env{srv: srv, g: g, sim: sim, world: world, pipe: pipe, clock: clock}, url: base, rdb: rdb}
}

// browser is an HTTP client over the network with its own cookies; it never follows redirects.
type browser struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func (f *floodEnv) browser(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, base: f.url, hc: &http.Client{
		Jar:           jar,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 32},
	}}
	t.Cleanup(b.hc.CloseIdleConnections)
	b.refreshCSRF()
	return b
}

func (b *browser) refreshCSRF() {
	b.t.Helper()
	res, err := b.hc.Get(b.base + "/api/v1/session")
	if err != nil {
		b.t.Fatalf("GET /api/v1/session: %v", err)
	}
	defer res.Body.Close()
	var s sessionJSON
	raw, _ := io.ReadAll(res.Body)
	response{Status: res.StatusCode, Body: raw}.decode(b.t, &s)
	b.csrf = s.CSRFToken
}

// do sends one request; a form body carries the CSRF field, any other state change the header.
func (b *browser) do(method, path string, form url.Values) (int, http.Header, error) {
	var body io.Reader
	if form != nil {
		form.Set(csrfField, b.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if method != http.MethodGet {
		req.Header.Set(csrfHeader, b.csrf)
	}
	res, err := b.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header, nil
}

// loginAs runs the OAuth dance over the network, as the simulator's member nsid.
func (b *browser) loginAs(simURL, nsid string) {
	b.t.Helper()
	status, h, err := b.do(http.MethodPost, "/login", url.Values{})
	if err != nil || status != http.StatusSeeOther {
		b.t.Fatalf("POST /login: %d %v", status, err)
	}
	authURL, err := url.Parse(h.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	form := url.Values{"oauth_token": {authURL.Query().Get("oauth_token")}, "perms": {"write"}, "login_as": {nsid}, "action": {"authorize"}}
	res, err := b.hc.PostForm(simURL+"/services/oauth/authorize", form)
	if err != nil {
		b.t.Fatalf("POST authorize: %v", err)
	}
	res.Body.Close()
	cb := res.Header.Get("Location")
	if !strings.HasPrefix(cb, b.base+"/login/callback") {
		b.t.Fatalf("authorize redirect %d %q", res.StatusCode, cb)
	}
	status, h, err = b.do(http.MethodGet, strings.TrimPrefix(cb, b.base), nil)
	if err != nil || status != http.StatusSeeOther || h.Get("Location") != "/u/"+nsid {
		b.t.Fatalf("callback: %d %q %v", status, h.Get("Location"), err)
	}
	b.refreshCSRF()
}

// floodFigures counts how a flood was answered.
type floodFigures struct {
	sent, answered, redirects, tooMany, busy, other, timeouts, errs int
	noRetryAfter                                                    int // 429s and 503s without Retry-After
	elapsed                                                         time.Duration
}

func (f floodFigures) String() string {
	return fmt.Sprintf("sent %d in %.1fs: answered %d (303: %d, 429: %d, 503: %d, other: %d), client timeouts %d, other errors %d",
		f.sent, f.elapsed.Seconds(), f.answered, f.redirects, f.tooMany, f.busy, f.other, f.timeouts, f.errs)
}

// flood POSTs path from one anonymous client, conc at a time, each with the client's timeout:
// n times, then on while until is open, up to maxFlood requests in all. It returns once every
// request is answered or has timed out.
func flood(b *browser, path string, n, conc int, until <-chan struct{}) floodFigures {
	var (
		mu  sync.Mutex
		fig floodFigures
		wg  sync.WaitGroup
		sem = make(chan struct{}, conc)
	)
	start := time.Now()
	for i := 0; i < maxFlood; i++ {
		if i >= n {
			select {
			case <-until:
				i = maxFlood
				continue
			default:
			}
		}
		fig.sent++
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			status, h, err := b.do(http.MethodPost, path, url.Values{"q": {fmt.Sprintf("nobody%d", i)}})
			mu.Lock()
			defer mu.Unlock()
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				fig.timeouts++
			case err != nil:
				fig.errs++
			default:
				fig.answered++
				if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && h.Get("Retry-After") == "" {
					fig.noRetryAfter++
				}
				switch status {
				case http.StatusSeeOther:
					fig.redirects++
				case http.StatusTooManyRequests:
					fig.tooMany++
				case http.StatusServiceUnavailable:
					fig.busy++
				default:
					fig.other++
				}
			}
		}()
	}
	wg.Wait()
	fig.elapsed = time.Since(start)
	return fig
}

// maxFlood bounds the requests of one flood.
const maxFlood = 20_000

// unfavedPhoto is a photo one of nsid's neighbors faved and nsid did not, taken by neither.
func (f *floodEnv) unfavedPhoto(t *testing.T, nsid string) string {
	t.Helper()
	mine := map[string]bool{}
	for _, fv := range f.world.FavesOf(nsid) {
		mine[fv.PhotoID] = true
	}
	for _, fv := range f.world.FavesOf(nsid) {
		for _, nf := range f.world.FavesOf(fv.Owner) {
			if !mine[nf.PhotoID] && nf.Owner != nsid {
				if _, err := f.g.Photo(context.Background(), nf.PhotoID); err == nil {
					return nf.PhotoID
				}
			}
		}
	}
	t.Fatalf("no photo for %s to fave", nsid)
	return ""
}

// someoneElse is a member of the world other than nsid, not deleted.
func (f *floodEnv) someoneElse(t *testing.T, nsid string) string {
	t.Helper()
	for _, u := range f.world.Users() {
		if u.NSID != nsid && !u.Deleted {
			return u.NSID
		}
	}
	t.Fatal("the world has one member")
	return ""
}

// TestFloodDoesNotStarveMembers floods POST /login from one anonymous client (300 requests,
// 20 at a time, 10 s client timeout, as issue 14 reproduced it) while a logged-in member faves
// a photo and looks a member up: both must be answered within seconds, and every flood request
// must be answered (303, 429 or 503) instead of queueing for Flickr tokens until the client
// gives up. The flood goes on past its 300 requests until the member is done. "one client" keeps the per-client limits; "many clients" lifts them, as a flood from
// many addresses would, so that only the anonymous share and queue stand between the flood
// and the members.
func TestFloodDoesNotStarveMembers(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate RateLimit
		lim  FlickrLimit
	}{
		{"one client", RateLimit{}, FlickrLimit{}},
		{"many clients", RateLimit{Requests: -1}, FlickrLimit{PerClient: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFloodEnv(t, tc.rate, tc.lim)
			member := f.heavyUser(t)
			f.seedUser(t, member)
			photo := f.unfavedPhoto(t, member)
			me := f.browser(t, 30*time.Second)
			me.loginAs(f.sim.URL, member)
			anon := f.browser(t, 10*time.Second)

			figs := make(chan floodFigures, 1)
			memberDone := make(chan struct{})
			go func() { figs <- flood(anon, "/login", 300, 20, memberDone) }()
			time.Sleep(200 * time.Millisecond) // the flood has spent the anonymous burst

			timed := func(method, path string) (int, time.Duration) {
				start := time.Now()
				status, _, err := me.do(method, path, nil)
				if err != nil {
					t.Errorf("%s %s: %v", method, path, err)
				}
				return status, time.Since(start)
			}
			lookup := "/api/v1/users/lookup?q=" + url.QueryEscape(f.someoneElse(t, member))
			faveStatus, faveTook := timed(http.MethodPost, "/api/v1/photos/"+photo+"/fave")
			lookupStatus, lookupTook := timed(http.MethodGet, lookup)
			close(memberDone)
			fig := <-figs
			afterStatus, afterTook := timed(http.MethodGet, lookup)
			t.Logf("flood of POST /login: %v", fig)
			t.Logf("member 0.2 s into the flood: fave %d in %v, lookup %d in %v; lookup right after the flood %d in %v",
				faveStatus, faveTook.Round(time.Millisecond), lookupStatus, lookupTook.Round(time.Millisecond), afterStatus, afterTook.Round(time.Millisecond))

			const within = 5 * time.Second
			if faveStatus != http.StatusOK || faveTook > within {
				t.Errorf("member's fave during the flood: %d after %v, want 200 within %v", faveStatus, faveTook, within)
			}
			if lookupStatus != http.StatusOK || lookupTook > within {
				t.Errorf("member's lookup during the flood: %d after %v, want 200 within %v", lookupStatus, lookupTook, within)
			}
			if afterStatus != http.StatusOK || afterTook > within {
				t.Errorf("member's lookup after the flood: %d after %v, want 200 within %v", afterStatus, afterTook, within)
			}
			if fig.timeouts > 0 || fig.errs > 0 || fig.other > 0 {
				t.Errorf("flood: %v; want every request answered 303, 429 or 503", fig)
			}
			if fig.noRetryAfter > 0 {
				t.Errorf("flood: %d answers 429 or 503 without Retry-After", fig.noRetryAfter)
			}
		})
	}
}

// TestAbandonedRequestStopsWaiting: a visitor's lookup waits for an anonymous Flickr token
// (the share is spent); when the client gives up after 300 ms, the request stops waiting and
// leaves the queue at once, long before the gate's 5 s wait bound would end it.
func TestAbandonedRequestStopsWaiting(t *testing.T) {
	f := newFloodEnv(t, RateLimit{}, FlickrLimit{MaxWait: time.Minute})
	ctx := context.Background()
	now, err := f.rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rdb.HSet(ctx, "{photorec:flickr:limit}:anonymous_bucket", "tokens", -1000, "ts", now.UnixMicro()).Err(); err != nil {
		t.Fatal(err)
	}
	anon := f.browser(t, 300*time.Millisecond)
	start := time.Now()
	if _, _, err := anon.do(http.MethodPost, "/browse", url.Values{"q": {"someone"}}); err == nil {
		t.Fatal("POST /browse with the anonymous share spent was answered within 300 ms")
	}
	waiting := func() int { return len(f.srv.flickr.visitors) }
	deadline := time.Now().Add(3 * time.Second)
	for waiting() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := waiting(); n > 0 {
		t.Fatalf("%d abandoned requests still wait for Flickr %v after their client left", n, time.Since(start))
	}
	t.Logf("the abandoned request left the queue %v after it was sent", time.Since(start).Round(10*time.Millisecond))
}
