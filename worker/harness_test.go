package worker

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/runs"
)

// testLogger discards logs unless PHOTOREC_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("PHOTOREC_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// env is one pipeline under test: a real redis-server, the Flickr simulator, a real embedded store.
type env struct {
	t     testing.TB
	redis *testsvc.RedisServer
	rdb   *redis.Client
	world *flickrtest.World
	sim   *flickrtest.Server
	store *embedded.Store
}

type envOptions struct {
	world     *flickrtest.World
	sim       flickrtest.Options
	redisArgs []string
}

func newEnv(tb testing.TB, o envOptions) *env {
	tb.Helper()
	rs := testsvc.Redis(tb, o.redisArgs...)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	tb.Cleanup(func() { _ = rdb.Close() })
	if o.world == nil {
		o.world = flickrtest.TinyWorld(1)
	}
	sim := flickrtest.Start(tb, o.world, o.sim)
	st, err := embedded.Open(context.Background(), embedded.Options{Dir: tb.TempDir(), Logger: testLogger()})
	if err != nil {
		tb.Fatalf("open embedded store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return &env{t: tb, redis: rs, rdb: rdb, world: o.world, sim: sim, store: st}
}

// flickrClient returns a client of the simulator with fast retries.
func (e *env) flickrClient(lim flickr.Limiter, m flickr.Observer) *flickr.Client {
	e.t.Helper()
	return newFlickrClient(e.t, e.sim.URL, lim, m)
}

func newFlickrClient(tb testing.TB, base string, lim flickr.Limiter, m flickr.Observer) *flickr.Client {
	tb.Helper()
	if lim == nil {
		lim = flickr.Unlimited
	}
	c, err := flickr.New(flickr.Options{
		APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: base + "/services/rest/", OAuthBase: base + "/services/oauth/",
		Limiter: lim, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Metrics: m, Logger: testLogger(),
	})
	if err != nil {
		tb.Fatalf("flickr client: %v", err)
	}
	return c
}

// client returns a Client on the env's Redis and graph store with default pipeline options.
func (e *env) client() *Client {
	e.t.Helper()
	c, err := NewClient(ClientOptions{Redis: e.rdb, Graph: e.store, Logger: testLogger()})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// start runs a worker with opts (Redis, Graph and Flickr filled in when unset) until the test ends.
func (e *env) start(opts Options) *Worker {
	e.t.Helper()
	if opts.Redis == nil {
		opts.Redis = e.rdb
	}
	if opts.Graph == nil && opts.Roles&(RoleIngest|RoleScheduler) != 0 || opts.Roles == 0 && opts.Graph == nil {
		opts.Graph = e.store
	}
	if opts.Flickr == nil && (opts.Roles == 0 || opts.Roles&RolePull != 0) {
		var obs flickr.Observer
		if opts.Metrics != nil {
			obs = opts.Metrics
		}
		opts.Flickr = e.flickrClient(nil, obs)
	}
	if opts.Logger == nil {
		opts.Logger = testLogger()
	}
	if opts.RetryDelay == nil {
		opts.RetryDelay = fastRetry
	}
	w, err := New(opts)
	if err != nil {
		e.t.Fatalf("worker.New: %v", err)
	}
	runWorker(e.t, w)
	return w
}

func runWorker(tb testing.TB, w *Worker) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("worker.Run: %v", err)
		}
	})
}

// waitDone polls until nsid's run has ended and returns its progress. The bound is a safety net
// against a hung pipeline, not a speed assertion.
func waitDone(tb testing.TB, c *Client, nsid string, bound time.Duration) runs.Progress {
	tb.Helper()
	deadline := time.Now().Add(bound)
	var p runs.Progress
	var err error
	for time.Now().Before(deadline) {
		p, err = c.Progress(context.Background(), nsid)
		if err == nil && (p.State == runs.StateComplete || p.State == runs.StateCompleteWithErrors) {
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("run of %s did not end within %v: last progress %+v, err %v", nsid, bound, p, err)
	return p
}

// favePages is how many favorites calls a pull of n favorites takes (capped at max when > 0).
func favePages(n, limit int) int {
	if limit > 0 && n > limit {
		n = limit
	}
	if n == 0 {
		return 1
	}
	return (n + favesPerPage - 1) / favesPerPage
}

// storedFaves returns the photo ids nsid has faved in the store, via CommonFaves with itself.
func storedFaves(tb testing.TB, st graph.Store, nsid string) int {
	tb.Helper()
	s, err := st.Summary(context.Background(), nsid)
	if errors.Is(err, graph.ErrNotFound) {
		return 0
	}
	if err != nil {
		tb.Fatalf("summary of %s: %v", nsid, err)
	}
	return s.Faves
}

// userWith returns a world user whose fave count is in [lo, hi] and who is not in skip.
func userWith(tb testing.TB, w *flickrtest.World, lo, hi int, skip ...string) flickrtest.User {
	tb.Helper()
	for _, u := range w.Users() {
		if u.Faves >= lo && u.Faves <= hi && !u.Deleted && !strings.Contains(strings.Join(skip, " "), u.NSID) {
			return u
		}
	}
	tb.Fatalf("no user with %d..%d faves", lo, hi)
	return flickrtest.User{}
}

// fastRetry is the retry delay of tests: 200ms.
func fastRetry(int) time.Duration { return 200 * time.Millisecond }

// fanOut is what a refresh pulls after the member's own pull, as computed from the world by
// fanOutOf.
type fanOut struct {
	faves  []string // people whose favorites are pulled: neighbors, then contacts
	photos []string // people whose photostream is pulled: the owners faved most, then contacts
}

// fanOutOf computes, from the world and independently of planFanOut, what a first refresh of
// nsid pulls after nsid's own pull under pipe's caps (docs/pipeline.md): the favorites of the
// first MaxNeighbors owners of nsid's favorites by how many nsid faved (then NSID), the
// photostreams of the first OwnerPhotos of them, then, in contact order, the favorites of
// ContactFaves contacts and the photostreams of ContactPhotos contacts not already pulled.
func fanOutOf(w *flickrtest.World, nsid string, pipe Pipeline) fanOut {
	pipe = pipe.withDefaults()
	taken := map[string]int{}
	for _, f := range w.FavesOf(nsid) {
		if f.Owner != nsid {
			taken[f.Owner]++
		}
	}
	owners := make([]string, 0, len(taken))
	for o := range taken {
		owners = append(owners, o)
	}
	sort.Slice(owners, func(i, j int) bool {
		if taken[owners[i]] != taken[owners[j]] {
			return taken[owners[i]] > taken[owners[j]]
		}
		return owners[i] < owners[j]
	})
	var out fanOut
	faves, photos := map[string]bool{}, map[string]bool{}
	for i, o := range owners {
		if i < pipe.MaxNeighbors {
			out.faves, faves[o] = append(out.faves, o), true
		}
		if i < pipe.OwnerPhotos {
			out.photos, photos[o] = append(out.photos, o), true
		}
	}
	nf, np := 0, 0
	for _, c := range w.ContactsOf(nsid) {
		if nf < pipe.ContactFaves && !faves[c] && c != nsid {
			out.faves, faves[c] = append(out.faves, c), true
			nf++
		}
		if np < pipe.ContactPhotos && !photos[c] && c != nsid {
			out.photos, photos[c] = append(out.photos, c), true
			np++
		}
	}
	return out
}

// pulls is the number of fan-out pulls (jobs).
func (f fanOut) pulls() int { return len(f.faves) + len(f.photos) }

// faveCalls is the favorites calls the fan-out makes: one per page, each person capped at 1,000.
func (f fanOut) faveCalls(tb testing.TB, w *flickrtest.World) int {
	tb.Helper()
	n := 0
	for _, nsid := range f.faves {
		u, err := w.User(nsid)
		if err != nil {
			tb.Fatal(err)
		}
		n += favePages(u.Faves, 1000)
	}
	return n
}

// checkFanOutStored fails unless everyone whose favorites nsid's refresh pulled holds their
// capped favorites in the graph, and everyone whose photostream it pulled has their newest
// PhotosPerPerson photos there, faved by someone or not.
func checkFanOutStored(t *testing.T, e *env, nsid string, pipe Pipeline) {
	t.Helper()
	f := fanOutOf(e.world, nsid, pipe)
	for _, n := range f.faves {
		nu, err := e.world.User(n)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := storedFaves(t, e.store, n), min(nu.Faves, 1000); got != want {
			t.Errorf("stored faves of %s = %d, want %d", n, got, want)
		}
	}
	per := pipe.withDefaults().PhotosPerPerson
	for _, o := range f.photos {
		ps := e.world.PhotosOf(o)
		for _, p := range ps[:min(len(ps), per)] {
			got, err := e.store.Photo(context.Background(), p.ID)
			if err != nil || got.Owner != o {
				t.Errorf("photo %s of %s's photostream: %+v, %v; want it stored with its owner", p.ID, o, got, err)
				return
			}
		}
	}
}
