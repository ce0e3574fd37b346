package server

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// The bounded load benchmark of the recommendations endpoint (docs/load.md). It is opt-in:
// building the 1M-fave graph takes a while.
//
//	PHOTOREC_BENCH_LOAD=1 go test -run '^$' -bench BenchmarkLoadRecommendPhotos -benchtime 20000x ./server/
//
// b.N is the total number of requests, shared by loadClients concurrent keep-alive clients.
const (
	loadEnv     = "PHOTOREC_BENCH_LOAD"
	loadClients = 50
	loadLimit   = 50
)

// loadFaves is the graph size; PHOTOREC_BENCH_LOAD_FAVES overrides it (e.g. 100000 for a quick run).
func loadFaves() int {
	if n, err := strconv.Atoi(os.Getenv(loadEnv + "_FAVES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// loadPick is how users are drawn: "faves" (default) weights each user with at least one fave
// by their fave count; "uniform5" draws uniformly among users with at least 5 faves.
// PHOTOREC_BENCH_LOAD_PICK sets it.
func loadPick() string {
	if os.Getenv(loadEnv+"_PICK") == "uniform5" {
		return "uniform5"
	}
	return "faves"
}

// loadWorld is one built graph behind a served app, reused by every run of the benchmark.
type loadWorld struct {
	url     string
	users   []string  // users with at least one fave
	cum     []float64 // cumulative fave counts of users: the visit distribution
	faves   int
	buildMS int64
	g       *embedded.Store
	world   *flickrtest.World
	srv     *Server
}

var (
	loadOnce  sync.Once
	loadState *loadWorld
	errLoad   error
	loadStop  []func()
)

// BenchmarkLoadRecommendPhotos drives GET /api/v1/users/{nsid}/recommendations/photos?limit=50
// with 50 concurrent keep-alive HTTP clients (each keeps its session cookie, as a browser
// does) against the real server on a loopback port, over a real embedded store holding the
// simulator's world (about 1M faves). Users are drawn with probability proportional to their
// fave count (active members visit more), or uniformly among users with at least 5 faves (see
// loadPick). The per-IP rate limit is disabled. It reports
// req/s, p50/p99/p99.9 latency in ms, errors (the benchmark fails on any) and the CPU cores
// the process used.
func BenchmarkLoadRecommendPhotos(b *testing.B) {
	if os.Getenv(loadEnv) == "" {
		b.Skipf("set %s=1 to build the 1M-fave graph and run the load benchmark", loadEnv)
	}
	loadOnce.Do(func() { loadState, errLoad = buildLoadWorld(loadFaves(), loadPick()) })
	if errLoad != nil {
		b.Fatal(errLoad)
	}
	w := loadState
	b.Logf("graph: %d faves; users drawn: %s, %d candidates; built and served in %d ms", w.faves, loadPick(), len(w.users), w.buildMS)
	clients, closeClients, err := loadSessions(w)
	if err != nil {
		b.Fatal(err)
	}
	defer closeClients()
	stopWrites := w.writeLoad(b, loadWrites())
	b.ResetTimer()
	st := runLoad(w, clients, int64(b.N), func(r *rand.Rand, _ int64) string { return w.pick(r) })
	b.StopTimer()
	writes := stopWrites()
	st.report(b)
	if writes >= 0 {
		b.ReportMetric(float64(writes)/st.wall.Seconds(), "writes/s")
	}
	if st.errs > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", st.errs, len(st.lat), st.firstErr)
	}
}

// loadWrites is how many fave batches a second PHOTOREC_BENCH_LOAD_WRITES asks to store while
// the requests run; 0 (the default) stores none.
func loadWrites() int {
	n, _ := strconv.Atoi(os.Getenv(loadEnv + "_WRITES"))
	return max(n, 0)
}

// writeLoad stores perSecond fave batches a second until the returned stop is called, as
// workers ingesting pulls would: each one a random member faving a photo a member of the
// visit distribution faved (which invalidates the pages of everyone whose neighbor that member is,
// at once, and moves the walk scores of many others). stop returns how many were stored, -1
// when perSecond is 0.
func (w *loadWorld) writeLoad(b *testing.B, perSecond int) (stop func() int) {
	b.Helper()
	if perSecond == 0 {
		return func() int { return -1 }
	}
	all := w.world.Users()
	done := make(chan struct{})
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewPCG(7, 7))
		tick := time.NewTicker(time.Second / time.Duration(perSecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			u := all[r.IntN(len(all))]
			fs := w.world.FavesOf(w.pick(r))
			if u.Deleted || len(fs) == 0 {
				continue
			}
			f := fs[r.IntN(len(fs))]
			err := w.g.AddFaves(context.Background(), graph.FavesBatch{User: u.NSID, At: time.Now(),
				Faves: []graph.Fave{{Photo: graph.Photo{ID: f.PhotoID, Owner: f.Owner}, FavedAt: time.Now()}}})
			if err != nil {
				b.Errorf("write: %v", err)
				return
			}
			n.Add(1)
		}
	}()
	return func() int {
		close(done)
		wg.Wait()
		return int(n.Load())
	}
}

// loadSessions makes loadClients keep-alive clients, each holding its session cookie, over one
// shared Transport; close closes their connections.
func loadSessions(w *loadWorld) (_ []*http.Client, closeAll func(), _ error) {
	tr := &http.Transport{MaxIdleConns: loadClients, MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients, IdleConnTimeout: time.Minute}
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second}
		if err := loadGet(clients[i], w.url+"/api/v1/session"); err != nil {
			tr.CloseIdleConnections()
			return nil, nil, fmt.Errorf("session of client %d: %w", i, err)
		}
	}
	return clients, tr.CloseIdleConnections, nil
}

// loadStats are the figures of one run of runLoad.
type loadStats struct {
	lat      []time.Duration // sorted
	wall     time.Duration
	cpu      time.Duration // process CPU: server and clients
	errs     int64
	firstErr any
}

// runLoad makes total requests for the photo page of user(r, i) (i counts from 1), shared by the
// clients, each one request at a time.
func runLoad(w *loadWorld, clients []*http.Client, total int64, user func(r *rand.Rand, i int64) string) loadStats {
	var next, errs atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, len(clients))
	cpu0 := processCPUTime()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i)+1, 0x10ad))
			mine := make([]time.Duration, 0, total/int64(len(clients))+1)
			for {
				n := next.Add(1)
				if n > total {
					break
				}
				nsid := user(r, n)
				u := w.url + "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?limit=" + strconv.Itoa(loadLimit)
				t0 := time.Now()
				err := loadGet(clients[i], u)
				mine = append(mine, time.Since(t0))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: %v", nsid, err))
				}
			}
			lat[i] = mine
		}()
	}
	wg.Wait()
	st := loadStats{wall: time.Since(start), cpu: processCPUTime() - cpu0, errs: errs.Load(), firstErr: firstErr.Load()}
	st.lat = slices.Concat(lat...)
	slices.Sort(st.lat)
	return st
}

// ms is the q-quantile latency in milliseconds.
func (st loadStats) ms(q float64) float64 {
	if len(st.lat) == 0 {
		return 0
	}
	return float64(st.lat[min(len(st.lat)-1, int(q*float64(len(st.lat))))].Microseconds()) / 1000
}

func (st loadStats) report(b *testing.B) {
	b.Helper()
	b.ReportMetric(float64(len(st.lat))/st.wall.Seconds(), "req/s")
	b.ReportMetric(st.ms(0.50), "p50_ms")
	b.ReportMetric(st.ms(0.99), "p99_ms")
	b.ReportMetric(st.ms(0.999), "p99.9_ms")
	b.ReportMetric(float64(st.errs), "errors")
	b.ReportMetric(st.cpu.Seconds()/st.wall.Seconds(), "cpu_cores")
	b.ReportMetric(st.cpu.Seconds()*1000/float64(len(st.lat)), "cpu_ms/req") // server and clients: one process
	b.ReportMetric(0, "ns/op")
}

// pick draws a user with probability proportional to their fave count.
func (w *loadWorld) pick(r *rand.Rand) string {
	x := r.Float64() * w.cum[len(w.cum)-1]
	return w.users[sort.SearchFloat64s(w.cum, x)]
}

// loadGet GETs u and checks for a 200 with a JSON page; it drains the body so that the
// connection is reused.
func loadGet(c *http.Client, u string) error {
	res, err := c.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("status %d body %.200q", res.StatusCode, body)
	}
	return nil
}

// buildLoadWorld generates the simulator's world with about faves favorites (at its default
// mean of about 172 per user), ingests every user's faves into a fresh embedded store as the
// worker's full pulls would (AddFaves with the owners, then FinishPull), and serves the real
// app on a loopback port. It lives until the test binary exits.
func buildLoadWorld(faves int, pick string) (*loadWorld, error) {
	ctx := context.Background()
	t0 := time.Now()
	users := max(faves/172, 50)
	world := flickrtest.Generate(flickrtest.WorldOptions{Seed: 1, Users: users, Faves: faves})
	dir, err := os.MkdirTemp("", "photorec-load-")
	if err != nil {
		return nil, err
	}
	loadStop = append(loadStop, func() { _ = os.RemoveAll(dir) })
	noCache := os.Getenv(loadEnv+"_NOCACHE") != ""
	rec := config.Defaults().Recommend // the product's page cache settings
	g, err := embedded.Open(ctx, embedded.Options{Dir: dir, Default: graph.Algorithm(rec.Algorithm),
		NoPageCache: noCache, PageCacheSize: rec.CachePages, PageStale: rec.CacheStale, Precompute: rec.Precompute})
	if err != nil {
		return nil, fmt.Errorf("embedded.Open: %w", err)
	}
	loadStop = append(loadStop, func() { _ = g.Close() })
	sim := flickrtest.NewServer(world, flickrtest.Options{})
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = sim.Serve(simLn) }()
	loadStop = append(loadStop, func() { sim.Close() })
	simURL := "http://" + simLn.Addr().String()

	w := &loadWorld{g: g, world: world}
	all := world.Users()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	jobs := make(chan flickrtest.User)
	errc := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				if err := loadIngest(ctx, g, world, u, simURL, at); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for _, u := range all {
		if u.Deleted {
			continue
		}
		jobs <- u
		w.faves += u.Faves
		weight := float64(u.Faves) // "faves": visits in proportion to activity
		if pick == "uniform5" {
			weight = 0
			if u.Faves >= 5 {
				weight = 1
			}
		}
		if weight > 0 {
			w.users = append(w.users, u.NSID)
			prev := 0.0
			if len(w.cum) > 0 {
				prev = w.cum[len(w.cum)-1]
			}
			w.cum = append(w.cum, prev+weight)
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}

	fc, err := flickr.New(flickr.Options{APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: simURL + "/services/rest/", OAuthBase: simURL + "/services/oauth/", MaxRetries: -1})
	if err != nil {
		return nil, err
	}
	srv, err := New(Options{Graph: g, Flickr: fc, Pipeline: &fakePipeline{},
		SessionKey: []byte("0123456789abcdef0123456789abcdef"), TokenKey: []byte("fedcba9876543210fedcba9876543210"),
		RateLimit:     RateLimit{Requests: -1}, // the benchmark is 50 clients on one IP
		PageJSONBytes: int64(rec.CacheJSONMiB) << 20,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w.srv = srv
	go func() { _ = srv.Serve(ln) }()
	loadStop = append(loadStop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	w.url = "http://" + ln.Addr().String()
	w.buildMS = time.Since(t0).Milliseconds()
	// The pulls have landed; their first pages are computed off the request path
	// (recommend.precompute). PHOTOREC_BENCH_LOAD_NOWAIT=1 starts measuring without waiting.
	if os.Getenv(loadEnv+"_NOWAIT") == "" {
		pre := time.Now()
		cpu0 := processCPUTime()
		if err := g.WaitPrecomputed(ctx); err != nil {
			return nil, err
		}
		fmt.Printf("first pages precomputed %.1f s after the last pull landed (%.1f s of CPU)\n", time.Since(pre).Seconds(), (processCPUTime() - cpu0).Seconds())
	}
	if os.Getenv(loadEnv+"_WARM") != "0" {
		if err := warmLoadWorld(w); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// warmLoadWorld loads every candidate user's page once, as members who visited before the
// measured period would have, and prints the figures of that cold pass: each request is a
// page-cache miss. PHOTOREC_BENCH_LOAD_WARM=0 skips it, so the measured run starts cold.
func warmLoadWorld(w *loadWorld) error {
	clients, closeClients, err := loadSessions(w)
	if err != nil {
		return err
	}
	defer closeClients()
	st := runLoad(w, clients, int64(len(w.users)), func(_ *rand.Rand, i int64) string { return w.users[i-1] })
	if st.errs > 0 {
		return fmt.Errorf("cold pass: %d of %d requests failed; first: %v", st.errs, len(st.lat), st.firstErr)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.srv.pageJSON.mu.Lock()
	kept, keptBytes := len(w.srv.pageJSON.m), w.srv.pageJSON.bytes
	w.srv.pageJSON.mu.Unlock()
	fmt.Printf("cold pass (every user's page once, page caches empty): %d requests in %.1f s = %.0f req/s, p50 %.1f ms, p99 %.1f ms, %.2f cpu_ms/req; heap in use after: %d MiB, of it page JSON kept: %d pages, %d MiB\n",
		len(st.lat), st.wall.Seconds(), float64(len(st.lat))/st.wall.Seconds(), st.ms(0.5), st.ms(0.99), st.cpu.Seconds()*1000/float64(len(st.lat)), ms.HeapInuse>>20, kept, keptBytes>>20)
	return nil
}

// loadIngest stores u's faves as one full pull would.
func loadIngest(ctx context.Context, g *embedded.Store, world *flickrtest.World, u flickrtest.User, simURL string, at time.Time) error {
	if err := g.UpsertUsers(ctx, []graph.User{{NSID: u.NSID, Username: u.Username, Realname: u.Realname}}); err != nil {
		return fmt.Errorf("upsert %s: %w", u.NSID, err)
	}
	fs := world.FavesOf(u.NSID)
	b := graph.FavesBatch{User: u.NSID, PullID: "load-" + u.NSID, At: at, Faves: make([]graph.Fave, 0, len(fs))}
	owners := map[string]bool{}
	for _, f := range fs {
		if !owners[f.Owner] {
			owners[f.Owner] = true
			if o, err := world.User(f.Owner); err == nil {
				b.Owners = append(b.Owners, graph.User{NSID: o.NSID, Username: o.Username, Realname: o.Realname})
			}
		}
		p, err := world.Photo(f.PhotoID)
		if err != nil {
			return fmt.Errorf("photo %s: %w", f.PhotoID, err)
		}
		b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: p.ID, Owner: p.Owner, Title: p.Title, Secret: p.Secret, Server: p.Server, Farm: p.Farm,
			ThumbURL: simURL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret + "_q.jpg",
			ImageURL: simURL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret + "_b.jpg"}, FavedAt: f.FavedAt})
	}
	for chunk := range slices.Chunk(b.Faves, 500) { // the worker's page size
		part := b
		part.Faves = chunk
		if err := g.AddFaves(ctx, part); err != nil {
			return fmt.Errorf("add faves of %s: %w", u.NSID, err)
		}
	}
	if err := g.FinishPull(ctx, graph.PullDone{User: u.NSID, PullID: "load-" + u.NSID, Kind: graph.PullFull, At: at}); err != nil {
		return fmt.Errorf("finish pull of %s: %w", u.NSID, err)
	}
	return nil
}

// processCPUTime is the user+system CPU time of this process so far.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestMain tears down the load benchmark's graph and servers (built once per test binary)
// after every test and benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, stop := range slices.Backward(loadStop) {
		stop()
	}
	os.Exit(code)
}
