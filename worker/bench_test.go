package worker

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// BenchmarkNewUserRefresh measures what a new user sees: a user with about 500 favorites and 300
// neighbors refreshes against the simulator at 100 ms latency under the shared limiter at 3,600
// calls/hour. It reports the time to the first recommendations and to completion, the Flickr
// calls spent against the bound pages(user) + pages(contacts) + the fan-out's pages (favorites
// of neighbors and contacts, one call per photostream; fanOutOf), and how much
// of the final top 50 of the default algorithm (graph.DefaultAlgorithm) was on screen at 30, 60
// and 120 s.
//
// It takes minutes, so it runs only with PHOTOREC_BENCH_PIPELINE=1. PHOTOREC_BENCH_SCALE=k runs
// k times faster (rate times k, latency and checkpoints divided by k); PHOTOREC_BENCH_BURST sets
// the limiter burst (default: the limiter's default, 10) and PHOTOREC_BENCH_RATE its calls per
// hour (default 3600).
func BenchmarkNewUserRefresh(b *testing.B) {
	if os.Getenv("PHOTOREC_BENCH_PIPELINE") == "" {
		b.Skip("set PHOTOREC_BENCH_PIPELINE=1 to run (several minutes)")
	}
	scale := 1.0
	if v, err := strconv.ParseFloat(os.Getenv("PHOTOREC_BENCH_SCALE"), 64); err == nil && v > 0 {
		scale = v
	}
	burst, _ := strconv.Atoi(os.Getenv("PHOTOREC_BENCH_BURST"))
	rate, _ := strconv.Atoi(os.Getenv("PHOTOREC_BENCH_RATE"))
	if rate <= 0 {
		rate = 3600
	}
	world := flickrtest.Generate(flickrtest.WorldOptions{Seed: 7, Users: 3000})
	u, neighbors := benchUser(world, 500, 300)
	for b.Loop() {
		benchRefresh(b, world, u, neighbors, scale, rate, burst)
	}
}

// benchUser picks the user closest to the wanted favorites and neighbors.
func benchUser(w *flickrtest.World, faves, neighbors int) (flickrtest.User, []string) {
	var best flickrtest.User
	var bestN []string
	bestD := math.Inf(1)
	for _, u := range w.Users() {
		if u.Faves < faves/2 || u.Faves > faves*2 {
			continue
		}
		ns := neighborsOf(w, u.NSID)
		d := math.Abs(float64(u.Faves-faves))/float64(faves) + math.Abs(float64(len(ns)-neighbors))/float64(neighbors)
		if d < bestD {
			best, bestN, bestD = u, ns, d
		}
	}
	return best, bestN
}

func benchRefresh(b *testing.B, world *flickrtest.World, u flickrtest.User, neighbors []string, scale float64, rate, burst int) {
	b.Helper()
	sc := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale) }
	e := newEnv(b, envOptions{world: world, sim: flickrtest.Options{Latency: sc(100 * time.Millisecond)}})
	lim := flickr.NewRedisLimiter(redis.NewClient(&redis.Options{Addr: e.redis.Addr}),
		flickr.LimitOptions{CallsPerHour: int(float64(rate) * scale), Burst: burst})
	fc := e.flickrClient(lim, nil)
	w := e.start(Options{Flickr: fc})
	ctx := context.Background()

	f := fanOutOf(world, u.NSID, Pipeline{})
	bound := favePages(u.Faves, 0) + 1 + f.faveCalls(b, world) + len(f.photos) // contacts: one page of up to 1000

	start := time.Now()
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		b.Fatal(err)
	}
	checkpoints := []time.Duration{30 * time.Second, 60 * time.Second, 120 * time.Second}
	shown := make([]map[string]bool, len(checkpoints))
	var first, done time.Duration
	for done == 0 {
		time.Sleep(sc(250 * time.Millisecond))
		el := time.Since(start)
		top := topIDs(b, e.store, u.NSID)
		if first == 0 && len(top) > 0 {
			first = el
		}
		for i, cp := range checkpoints {
			if shown[i] == nil && el >= sc(cp) {
				shown[i] = top
			}
		}
		if p, err := w.Client().Progress(ctx, u.NSID); err == nil && p.State != runs.StateRunning {
			done = el
			if p.State != runs.StateComplete {
				b.Errorf("run ended %s: %+v", p.State, p)
			}
		}
	}
	final := topIDs(b, e.store, u.NSID)
	calls := e.sim.Calls()
	spent := calls["flickr.favorites.getPublicList"] + calls["flickr.contacts.getPublicList"] + calls["flickr.people.getPublicPhotos"]
	unscale := func(d time.Duration) float64 { return d.Seconds() * scale }
	b.ReportMetric(unscale(first), "first_rec_s")
	b.ReportMetric(unscale(done), "complete_s")
	b.ReportMetric(float64(spent), "calls")
	b.ReportMetric(float64(bound), "calls_bound")
	report := fmt.Sprintf("user %s: %d faves, %d neighbors; %d favorites pulls, %d photostreams; %d calls/hour, burst %d (0: default), scale %.0fx\n",
		u.NSID, u.Faves, len(neighbors), len(f.faves), len(f.photos), rate, burst, scale)
	report += fmt.Sprintf("first recommendations %.1fs, complete %.1fs, calls %d (bound %d)\n", unscale(first), unscale(done), spent, bound)
	for i, cp := range checkpoints {
		frac := -1.0
		if shown[i] != nil {
			frac = overlap(shown[i], final)
			b.ReportMetric(frac, fmt.Sprintf("top50_at_%.0fs", cp.Seconds()))
		}
		report += fmt.Sprintf("final top 50 on screen at %3.0fs: %.0f%%\n", cp.Seconds(), 100*frac)
	}
	b.Log("\n" + report)
	if spent > bound {
		b.Errorf("spent %d Flickr calls, more than the bound %d", spent, bound)
	}
}

func topIDs(b *testing.B, st graph.Store, nsid string) map[string]bool {
	b.Helper()
	page, err := st.RecommendPhotos(context.Background(), nsid, graph.RecOptions{Algorithm: graph.DefaultAlgorithm, Limit: 50})
	if err != nil {
		return nil
	}
	ids := map[string]bool{}
	for _, it := range page.Items {
		ids[it.Photo.ID] = true
	}
	return ids
}

// overlap is the share of final that is in shown.
func overlap(shown, final map[string]bool) float64 {
	if len(final) == 0 {
		return 0
	}
	n := 0
	for id := range final {
		if shown[id] {
			n++
		}
	}
	return float64(n) / float64(len(final))
}
