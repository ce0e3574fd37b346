package embedded

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/photorec/photorec/graph"
)

// synth is a deterministic synthetic graph for benchmarks: one heavy user (1,000 faves of photos
// by 300 neighbors, who fave 2,000 photos each) inside a background of users shaped like
// reference/flickr-world-stats.md (lognormal faves per user, median 77, mean ~172; ~24 faves per
// photo, heavy-tailed popularity).
type synth struct {
	faves  int // target FAVED edges in all
	photos int
	users  int // background users
	seed   uint64
	cache  []graph.Photo // every photo, made once: batches share its strings
}

const (
	heavyNSID      = "heavy@N00"
	heavyFaves     = 1000
	neighborCount  = 300
	neighborFaves  = 2000
	photosPerNbr   = 10 // photos owned by each neighbor, among which the heavy user faves
	benchBatchSize = 500
)

func newSynth(faves int) synth {
	g := synth{faves: faves, photos: max(faves/24, neighborCount*photosPerNbr*2), users: faves / 172, seed: 42}
	g.cache = make([]graph.Photo, g.photos)
	for p := range g.cache {
		g.cache[p] = g.makePhoto(p)
	}
	return g
}

func nbrNSID(i int) string { return fmt.Sprintf("%03d@N07", i) }
func bgNSID(i int) string  { return fmt.Sprintf("%d@N01", 10000000+i) }

// photo returns photo p.
func (g synth) photo(p int) graph.Photo { return g.cache[p] }

// makePhoto returns photo p with realistic metadata (what a pull stores for one fave).
func (g synth) makePhoto(p int) graph.Photo {
	id := strconv.Itoa(50000000000 + p*7)
	var owner string
	if p < neighborCount*photosPerNbr {
		owner = nbrNSID(p / photosPerNbr)
	} else {
		owner = bgNSID(int(uint64(p) * 2654435761 % uint64(g.users)))
	}
	secret := strconv.FormatUint(uint64(p)*0x9E3779B97F4A7C15>>24, 16)
	return graph.Photo{
		ID: id, Owner: owner, Title: "Photo " + id[6:], Farm: 66, Server: "65535", Secret: secret,
		ThumbURL: "https://live.staticflickr.com/65535/" + id + "_" + secret + "_q.jpg",
		ImageURL: "https://live.staticflickr.com/65535/" + id + "_" + secret + "_b.jpg",
	}
}

// popular draws a photo index with a heavy-tailed popularity.
func (g synth) popular(r *rand.Rand) int {
	rank := int(float64(g.photos) * math.Pow(r.Float64(), 2.2))
	return int(uint64(rank) * 0x9E3779B1 % uint64(g.photos))
}

// heavy returns the heavy user's faved photo indexes: one photo of every neighbor, then random
// other photos of theirs, 1,000 in all.
func (g synth) heavy() []int {
	r := rand.New(rand.NewPCG(g.seed, 1))
	out := make([]int, 0, heavyFaves)
	for n := 0; n < neighborCount; n++ {
		out = append(out, n*photosPerNbr)
	}
	for _, p := range r.Perm(neighborCount * photosPerNbr) {
		if len(out) == heavyFaves {
			break
		}
		if p%photosPerNbr != 0 {
			out = append(out, p)
		}
	}
	return out
}

// each calls fn for every user's faves (photo indexes, deduplicated), heavy user first, then the
// neighbors, then background users until the target is reached.
func (g synth) each(fn func(nsid string, photos []int)) {
	hv := g.heavy()
	fn(heavyNSID, hv)
	total := len(hv)
	for n := 0; n < neighborCount; n++ {
		r := rand.New(rand.NewPCG(g.seed, uint64(100+n)))
		set := map[int]bool{}
		for k := 5 + r.IntN(40); k > 0; k-- {
			set[hv[r.IntN(len(hv))]] = true
		}
		for len(set) < neighborFaves {
			set[g.popular(r)] = true
		}
		ps := make([]int, 0, len(set))
		for p := range set {
			ps = append(ps, p)
		}
		slices.Sort(ps)
		fn(nbrNSID(n), ps)
		total += len(ps)
	}
	for u := 0; total < g.faves; u++ {
		r := rand.New(rand.NewPCG(g.seed, uint64(1000+u)))
		n := int(math.Exp(math.Log(77) + 1.27*r.NormFloat64()))
		n = max(1, min(n, 5000, g.faves-total))
		ps := make([]int, 0, n)
		for range n {
			ps = append(ps, g.popular(r))
		}
		slices.Sort(ps)
		ps = slices.Compact(ps)
		fn(bgNSID(u%g.users), ps)
		total += len(ps)
	}
}

// pull is one user's pull: 500-fave batches, then a full FinishPull, as the worker writes them.
type pull struct {
	batches []graph.FavesBatch
	done    graph.PullDone
}

var benchAt = time.Unix(1.7e9, 0)

func (g synth) pull(nsid string, photos []int) pull {
	id := "bench-" + nsid
	var p pull
	for i := 0; i < len(photos); i += benchBatchSize {
		b := graph.FavesBatch{User: nsid, PullID: id, At: benchAt}
		for k, ph := range photos[i:min(i+benchBatchSize, len(photos))] {
			b.Faves = append(b.Faves, graph.Fave{Photo: g.photo(ph), FavedAt: benchAt.Add(-time.Duration(k) * time.Minute)})
		}
		p.batches = append(p.batches, b)
	}
	p.done = graph.PullDone{User: nsid, PullID: id, Kind: graph.PullFull, At: benchAt}
	return p
}

// pulls returns every pull of the graph, generated up front.
func (g synth) pulls() []pull {
	var out []pull
	g.each(func(nsid string, photos []int) { out = append(out, g.pull(nsid, photos)) })
	return out
}

// writePulls feeds pulls to `writers` concurrent writers and returns the number of faves written.
func writePulls(tb testing.TB, s *Store, writers int, feed func(chan<- pull)) int {
	tb.Helper()
	jobs := make(chan pull, writers*2)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	faves := 0
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			defer func() { mu.Lock(); faves += n; mu.Unlock() }()
			for p := range jobs {
				for _, b := range p.batches {
					if err := s.AddFaves(context.Background(), b); err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
					n += len(b.Faves)
				}
				if err := s.FinishPull(context.Background(), p.done); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
			}
		}()
	}
	feed(jobs)
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		tb.Fatal(firstErr)
	}
	return faves
}

// ingest writes the graph, generating each pull on the fly (for graphs too big to hold twice).
func (g synth) ingest(tb testing.TB, s *Store, writers int) int {
	tb.Helper()
	return writePulls(tb, s, writers, func(jobs chan<- pull) {
		g.each(func(nsid string, photos []int) { jobs <- g.pull(nsid, photos) })
	})
}

// procStatus returns fields of /proc/self/status in bytes: VmRSS counts everything resident,
// mapped files (bbolt's mmap) included; RssAnon and RssFile split it.
func procStatus(tb testing.TB, keys ...string) []int64 {
	tb.Helper()
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]int64, len(keys))
	for _, line := range strings.Split(string(raw), "\n") {
		for i, k := range keys {
			if v, ok := strings.CutPrefix(line, k+":"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err != nil {
					tb.Fatal(err)
				}
				out[i] = kb << 10
			}
		}
	}
	return out
}

func rss(tb testing.TB) int64 {
	tb.Helper()
	return procStatus(tb, "VmRSS")[0]
}

// memNow returns the live heap after a full GC and the process RSS after returning free memory.
func memNow(tb testing.TB) (heap, res int64) {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), rss(tb)
}

// memDetail describes where resident memory is: Go heap in use (live plus fragmentation), and the
// anonymous and file-backed parts of RSS.
func memDetail(tb testing.TB) string {
	tb.Helper()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := procStatus(tb, "RssAnon", "RssFile")
	return fmt.Sprintf("heap in use %d MiB, Go runtime total %d MiB, RssAnon %d MiB, RssFile %d MiB",
		ms.HeapInuse>>20, (ms.Sys-ms.HeapReleased)>>20, st[0]>>20, st[1]>>20)
}

// benchGraph is one built graph shared by the benchmarks of a process.
type benchGraph struct {
	s     *Store
	dir   string
	faves int
}

var (
	graphsMu sync.Mutex
	graphs   = map[int]*benchGraph{}
)

// built returns the synthetic graph of the given size, building it on first use (and printing
// ingest rate, open time and memory per edge).
func built(b *testing.B, faves int) *benchGraph {
	b.Helper()
	graphsMu.Lock()
	defer graphsMu.Unlock()
	if g, ok := graphs[faves]; ok {
		return g
	}
	dir, err := os.MkdirTemp("", "photorec-bench-")
	if err != nil {
		b.Fatal(err)
	}
	g := newSynth(faves) // before the baseline: the photo cache is the generator's, not the store's
	heap0, rss0 := memNow(b)
	s, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	start, cpu0 := time.Now(), processCPU()
	n := g.ingest(b, s, 4)
	took, cpu := time.Since(start), processCPU()-cpu0
	st, _ := s.Stats(context.Background())
	heap1, rss1 := memNow(b)
	fmt.Printf("graph %d faves: %d users, %d photos; ingest %.1fs = %.0f faves/s (4 writers, batches of %d, durable, batches built on the fly from cached photos); process CPU %.1fs = %.0f faves/cpu-s\n",
		st.Faves, st.Users, st.Photos, took.Seconds(), float64(n)/took.Seconds(), benchBatchSize, cpu.Seconds(), float64(n)/cpu.Seconds())
	fmt.Printf("after ingest: heap %.1f B/edge, RSS %.1f B/edge (heap %d MiB, RSS %d MiB above baseline)\n",
		float64(heap1-heap0)/float64(st.Faves), float64(rss1-rss0)/float64(st.Faves), (heap1-heap0)>>20, (rss1-rss0)>>20)
	fmt.Printf("  (%s)\n", memDetail(b))
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	heapC, rssC := memNow(b) // the closed store is unreachable: s is only reassigned below
	start = time.Now()
	s, err = Open(context.Background(), Options{Dir: dir, NoPageCache: true}) // time the traversal, not the page cache
	if err != nil {
		b.Fatal(err)
	}
	openTook := time.Since(start)
	heap2, rss2 := memNow(b)
	fmt.Printf("reopen: %.2fs; after reopen: heap %.1f B/edge, RSS %.1f B/edge (heap %d MiB, RSS %d MiB above the closed baseline)\n",
		openTook.Seconds(), float64(heap2-heapC)/float64(st.Faves), float64(rss2-rssC)/float64(st.Faves), (heap2-heapC)>>20, (rss2-rssC)>>20)
	fmt.Printf("  (%s)\n", memDetail(b))
	sum, err := s.Summary(context.Background(), heavyNSID)
	if err != nil {
		b.Fatal(err)
	}
	if sum.Faves != heavyFaves || sum.Neighbors != neighborCount {
		b.Fatalf("heavy user has %d faves and %d neighbors, want %d and %d", sum.Faves, sum.Neighbors, heavyFaves, neighborCount)
	}
	nb, err := s.Neighbors(context.Background(), heavyNSID, graph.ByScore, neighborCount)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range nb {
		if n.Total < neighborFaves {
			b.Fatalf("neighbor %s has %d faves, want %d", n.User.NSID, n.Total, neighborFaves)
		}
	}
	runtime.KeepAlive(g.cache) // part of every baseline above: it must stay live until here
	bg := &benchGraph{s: s, dir: dir, faves: st.Faves}
	graphs[faves] = bg
	return bg
}

func cleanupGraphs() {
	graphsMu.Lock()
	defer graphsMu.Unlock()
	for k, g := range graphs {
		g.s.Close()
		os.RemoveAll(g.dir)
		delete(graphs, k)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupGraphs()
	os.Exit(code)
}

// threadCPU returns the CPU time (user+system) of the calling OS thread.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3 /* CLOCK_THREAD_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		panic("clock_gettime(CLOCK_THREAD_CPUTIME_ID): " + errno.Error())
	}
	return time.Duration(ts.Nano())
}

// processCPU returns the CPU time (user+system, all threads, GC included) of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLatency runs fn b.N times and reports p50 and p99 wall latency in milliseconds, and the
// same for the CPU time of the (locked) thread: on a shared machine wall time includes waiting
// for a core, CPU time does not.
func benchLatency(b *testing.B, fn func() error) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	lat := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), threadCPU()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		cpu = append(cpu, threadCPU()-c0)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	q := func(d []time.Duration, f float64) float64 {
		slices.Sort(d)
		return float64(d[int(f*float64(len(d)-1))]) / 1e6
	}
	b.ReportMetric(q(lat, 0.50), "p50-ms")
	b.ReportMetric(q(lat, 0.99), "p99-ms")
	b.ReportMetric(q(cpu, 0.50), "p50-cpu-ms")
	b.ReportMetric(q(cpu, 0.99), "p99-cpu-ms")
}

func benchRecommend(b *testing.B, faves int) {
	b.Helper()
	g := built(b, faves)
	ctx := context.Background()
	b.Run("photos", func(b *testing.B) {
		page, err := g.s.RecommendPhotos(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit})
		if err != nil || len(page.Items) != graph.DefaultLimit {
			b.Fatalf("heavy user's photos: %d items, %v", len(page.Items), err)
		}
		benchLatency(b, func() error {
			_, err := g.s.RecommendPhotos(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit})
			return err
		})
	})
	b.Run("photos-page2", func(b *testing.B) {
		first, err := g.s.RecommendPhotos(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit})
		if err != nil {
			b.Fatal(err)
		}
		benchLatency(b, func() error {
			_, err := g.s.RecommendPhotos(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit, Cursor: first.NextCursor})
			return err
		})
	})
	b.Run("users", func(b *testing.B) {
		benchLatency(b, func() error {
			_, err := g.s.RecommendUsers(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit})
			return err
		})
	})
	b.Run("popularity", func(b *testing.B) {
		benchLatency(b, func() error {
			_, err := g.s.RecommendPhotos(ctx, heavyNSID, graph.RecOptions{Limit: graph.DefaultLimit, Algorithm: graph.Popularity})
			return err
		})
	})
	// The walk-based rankings (algo_walk.go); Blend is the configured default.
	for _, algo := range []graph.Algorithm{graph.Blend, graph.RP3Beta} {
		b.Run(string(algo), func(b *testing.B) {
			opts := graph.RecOptions{Limit: graph.DefaultLimit, Algorithm: algo}
			page, err := g.s.RecommendPhotos(ctx, heavyNSID, opts)
			if err != nil || len(page.Items) != graph.DefaultLimit {
				b.Fatalf("heavy user's %s photos: %d items, %v", algo, len(page.Items), err)
			}
			benchLatency(b, func() error {
				_, err := g.s.RecommendPhotos(ctx, heavyNSID, opts)
				return err
			})
		})
	}
}

// BenchmarkRecommend1M: heavy-user latency on a 1M-fave graph (built once, ingest figures logged).
func BenchmarkRecommend1M(b *testing.B) { benchRecommend(b, 1_000_000) }

// BenchmarkRecommend20M is the same on 20M faves; opt-in (PHOTOREC_BENCH_LARGE=1): it needs
// ~2 GiB of memory and a few minutes to build.
func BenchmarkRecommend20M(b *testing.B) {
	if os.Getenv("PHOTOREC_BENCH_LARGE") == "" {
		b.Skip("set PHOTOREC_BENCH_LARGE=1 to run")
	}
	benchRecommend(b, 20_000_000)
}

// BenchmarkIngest measures durable ingest (every AddFaves returns after its group's commit was
// fsynced) of the 1M-fave synthetic graph into an empty store, by 1, 4 and 16 concurrent writers
// of 500-fave batches. The pulls are generated before the clock starts.
func BenchmarkIngest(b *testing.B) {
	pulls := newSynth(1_000_000).pulls()
	for _, writers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			var faves int
			var took, cpu time.Duration
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				s, err := Open(context.Background(), Options{Dir: dir})
				if err != nil {
					b.Fatal(err)
				}
				start, cpu0 := time.Now(), processCPU()
				faves += writePulls(b, s, writers, func(jobs chan<- pull) {
					for _, p := range pulls {
						jobs <- p
					}
				})
				took += time.Since(start)
				cpu += processCPU() - cpu0
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(faves)/took.Seconds(), "faves/s")
			b.ReportMetric(float64(faves)/cpu.Seconds(), "faves/cpu-s")
		})
	}
}
