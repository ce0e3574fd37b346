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
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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

	tr := &http.Transport{MaxIdleConns: loadClients, MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	// Warm up: every client makes its connection and gets its session cookie.
	clients := make([]*http.Client, loadClients)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second}
		if err := loadGet(clients[i], w.url+"/api/v1/session"); err != nil {
			b.Fatalf("warm-up: %v", err)
		}
	}

	var next, errs atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, loadClients)
	total := int64(b.N)
	cpu0 := processCPUTime()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i)+1, 0x10ad))
			mine := make([]time.Duration, 0, total/loadClients+1)
			for next.Add(1) <= total {
				nsid := w.pick(r)
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
	wall := time.Since(start)
	b.StopTimer()
	cpu := processCPUTime() - cpu0

	all := slices.Concat(lat...)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	ms := func(q float64) float64 {
		return float64(all[min(len(all)-1, int(q*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/wall.Seconds(), "req/s")
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.99), "p99_ms")
	b.ReportMetric(ms(0.999), "p99.9_ms")
	b.ReportMetric(float64(errs.Load()), "errors")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu_cores")
	b.ReportMetric(cpu.Seconds()*1000/float64(len(all)), "cpu_ms/req") // server and clients: one process
	b.ReportMetric(0, "ns/op")
	if n := errs.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", n, len(all), firstErr.Load())
	}
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
	g, err := embedded.Open(ctx, embedded.Options{Dir: dir, Params: graph.DefaultFlexplore(), Default: graph.Flexplore,
		NoPageCache: os.Getenv("PHOTOREC_BENCH_LOAD_NOCACHE") != ""})
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

	w := &loadWorld{}
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
		RateLimit: RateLimit{Requests: -1}, // the benchmark is 50 clients on one IP
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	loadStop = append(loadStop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	w.url = "http://" + ln.Addr().String()
	w.buildMS = time.Since(t0).Milliseconds()
	return w, nil
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
