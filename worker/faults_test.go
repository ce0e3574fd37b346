package worker

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// counterSum sums a counter family over the series whose labels include want.
func counterSum(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue metrics
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

func TestFlickrFaultsForAWhile(t *testing.T) {
	e := newEnv(t, envOptions{sim: flickrtest.Options{Faults: flickrtest.Faults{RateLimited: 1}}})
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	w := e.start(Options{Metrics: m})
	ctx := context.Background()
	u := userWith(t, e.world, 100, 300)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	// Every call answers 429 until the first attempts have failed, then 5xx and 105 now and then.
	for counterSum(t, reg, "photorec_flickr_calls_total", map[string]string{"outcome": "rate_limited"}) < 5 {
		time.Sleep(20 * time.Millisecond)
	}
	e.sim.SetFaults(flickrtest.Faults{ServerError: 0.2, Unavailable: 0.1})
	got := waitDone(t, w.Client(), u.NSID, 3*time.Minute)
	if got.State != runs.StateComplete || got.Failed != 0 || got.Done != got.Made {
		t.Errorf("progress after faults = %+v, want complete without failures", got)
	}
	if n := storedFaves(t, e.store, u.NSID); n != u.Faves {
		t.Errorf("stored faves = %d, want %d", n, u.Faves)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
	if n := counterSum(t, reg, "photorec_flickr_calls_total", map[string]string{"outcome": "server_error"}); n == 0 {
		t.Errorf("no 5xx was observed; the fault injection did not take")
	}
	if n := counterSum(t, reg, "photorec_flickr_calls_total", map[string]string{"outcome": "ok"}); n == 0 {
		t.Errorf("metrics saw no successful Flickr call")
	}
}

func TestRedisRestartMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for Asynq's lease recovery (about a minute)")
	}
	e := newEnv(t, envOptions{
		sim:       flickrtest.Options{Latency: 20 * time.Millisecond},
		redisArgs: []string{"--appendonly", "yes", "--appendfsync", "always"},
	})
	w := e.start(Options{ReapEvery: time.Second})
	ctx := context.Background()
	u := userWith(t, e.world, 150, 400)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	for {
		p, err := w.Client().Progress(ctx, u.NSID)
		if err == nil && p.Done >= 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.redis.Restart()
	got := waitDone(t, w.Client(), u.NSID, 4*time.Minute)
	if got.State != runs.StateComplete || got.Done != got.Made || got.Made != 1+fanOutOf(e.world, u.NSID, Pipeline{}).pulls() {
		t.Errorf("progress after a Redis restart = %+v, want complete, every pull done", got)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
}

func TestWorkerKilledMidPull(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for Asynq's lease recovery (about a minute)")
	}
	e := newEnv(t, envOptions{sim: flickrtest.Options{Latency: 150 * time.Millisecond}})
	// This process holds the graph (ingest, scheduler); pulls run in child processes.
	w := e.start(Options{Roles: RoleIngest | RoleScheduler, ReapEvery: time.Second})
	ctx := context.Background()
	u := userWith(t, e.world, 150, 400)

	child := startChild(t, e.redis.Addr, e.sim.URL, envConcurrent+"=4")
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	var active []string
	for len(active) == 0 {
		p, err := w.Client().Progress(ctx, u.NSID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Done >= 3 {
			for _, q := range []string{task.QueuePullFirst, task.QueuePull} {
				tis, _ := w.insp.ListActiveTasks(q)
				for _, ti := range tis {
					active = append(active, ti.ID)
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	startChild(t, e.redis.Addr, e.sim.URL, envConcurrent+"=4")

	got := waitDone(t, w.Client(), u.NSID, 4*time.Minute)
	want := 1 + fanOutOf(e.world, u.NSID, Pipeline{}).pulls()
	if got.State != runs.StateComplete || got.Made != want || got.Done != want || got.Failed != 0 {
		t.Errorf("progress after SIGKILL = %+v, want complete with %d done, 0 failed", got, want)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
	t.Logf("killed with %d active pulls: %v", len(active), active)
}

// callLog wraps the simulator and records when each REST call arrives.
type callLog struct {
	mu sync.Mutex
	at []time.Time
	h  http.Handler
}

func (c *callLog) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/services/rest") {
		c.mu.Lock()
		c.at = append(c.at, time.Now())
		c.mu.Unlock()
	}
	c.h.ServeHTTP(rw, r)
}

// maxInWindow is the most calls that arrived within any window of length d.
func (c *callLog) maxInWindow(d time.Duration) int {
	c.mu.Lock()
	at := append([]time.Time(nil), c.at...)
	c.mu.Unlock()
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	best, j := 0, 0
	for i := range at {
		for at[i].Sub(at[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestLoadManyUsersThreeWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const (
		users       = 200
		callsPerSec = 100
		burst       = 20
	)
	e := newEnv(t, envOptions{})
	calls := &callLog{h: e.sim.Handler()}
	front := httptest.NewServer(calls)
	t.Cleanup(front.Close)

	w := e.start(Options{Roles: RoleIngest | RoleScheduler, IngestConcurrency: 2})
	for range 3 {
		startChild(t, e.redis.Addr, front.URL, envConcurrent+"=6",
			fmt.Sprintf("%s=%d", envRate, callsPerSec*3600), fmt.Sprintf("%s=%d", envBurst, burst))
	}
	ctx := context.Background()
	var picked []string
	for _, u := range e.world.Users() {
		if len(picked) < users {
			picked = append(picked, u.NSID)
		}
	}
	var wg sync.WaitGroup
	for _, nsid := range picked {
		wg.Go(func() {
			if _, err := w.Client().Refresh(ctx, nsid, runs.ReasonView); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	failed := 0
	for _, nsid := range picked {
		p := waitDone(t, w.Client(), nsid, 5*time.Minute)
		if p.State != runs.StateComplete {
			failed++
			t.Errorf("run of %s = %+v, want complete", nsid, p)
		}
	}
	// The shared limiter lets through at most burst + T*rate calls in any window T; allow the
	// arrival jitter of 250ms worth of calls.
	for _, win := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second} {
		limit := burst + int((win+250*time.Millisecond).Seconds()*callsPerSec)
		if got := calls.maxInWindow(win); got > limit {
			t.Errorf("%d calls within %v, limit %d", got, win, limit)
		}
	}
	calls.mu.Lock()
	n := len(calls.at)
	calls.mu.Unlock()
	t.Logf("%d runs complete, %d Flickr calls, at most %d in 1s (rate %d/s, burst %d)", users-failed, n, calls.maxInWindow(time.Second), callsPerSec, burst)
	if n < users {
		t.Errorf("%d Flickr calls for %d users; the pipeline did not pull", n, users)
	}
}
