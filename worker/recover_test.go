package worker

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/internal/embedredis"
	"github.com/photorec/photorec/runs"
)

func openJournal(t *testing.T, path string) *runs.FileJournal {
	t.Helper()
	j, err := runs.OpenFileJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// waitMidRun waits until nsid's run has finished some pulls and not all, and returns it.
func waitMidRun(t *testing.T, c *Client, nsid string) runs.Progress {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		p, err := c.Progress(context.Background(), nsid)
		if err == nil && p.Done >= 3 {
			if p.State != runs.StateRunning {
				t.Fatalf("run ended before the restart: %+v", p)
			}
			return p
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("run of %s did not get going", nsid)
	return runs.Progress{}
}

// TestDemoRunResumesAfterRestart: the demo's queue lives in its process, so a restart (clean
// or kill -9) loses every key. A run cut short so is resumed by the next process from the
// journal in the data dir: the same run, every pull landed.
func TestDemoRunResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{sim: flickrtest.Options{Latency: 20 * time.Millisecond}})
	journalPath := filepath.Join(t.TempDir(), "runs.db")
	u := userWith(t, e.world, 150, 400)

	// First process: its own in-process Redis, stopped mid-run. A kill -9 loses the same: the
	// in-process Redis with every key, queue and run.
	mr1, err := embedredis.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rdb1 := redis.NewClient(&redis.Options{Addr: mr1.Addr})
	j1 := openJournal(t, journalPath)
	w1, err := New(Options{Redis: rdb1, Graph: e.store, Flickr: e.flickrClient(nil, nil), Journal: j1, Logger: testLogger(), RetryDelay: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w1.Run(wctx) }()
	if _, err := w1.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	before := waitMidRun(t, w1.Client(), u.NSID)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("first worker: %v", err)
	}
	mr1.Close() // the process ends, its Redis with it
	_ = rdb1.Close()
	if err := j1.Close(); err != nil {
		t.Fatal(err)
	}

	// Second process: a fresh in-process Redis, the same data dir.
	mr2, err := embedredis.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mr2.Close)
	rdb2 := redis.NewClient(&redis.Options{Addr: mr2.Addr})
	t.Cleanup(func() { _ = rdb2.Close() })
	j2 := openJournal(t, journalPath)
	t.Cleanup(func() { _ = j2.Close() })
	w2, err := New(Options{Redis: rdb2, Graph: e.store, Flickr: e.flickrClient(nil, nil), Journal: j2, Logger: testLogger(), RetryDelay: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w2)
	got := waitDone(t, w2.Client(), u.NSID, 3*time.Minute)
	if got.RunID != before.RunID || got.State != runs.StateComplete || got.Done != got.Made {
		t.Errorf("after the restart: %+v, want run %s resumed and complete (before: %+v)", got, before.RunID, before)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
	if left, err := j2.Unfinished(ctx); err != nil || len(left) != 0 {
		t.Errorf("journal after the run ended: %v %v, want empty", left, err)
	}
}

// TestRunResumesAfterRedisLosesItsData: a single node with an external Redis that restarts
// without its data (no persistence) while the processes run: the reaper resumes the run from
// the journal.
func TestRunResumesAfterRedisLosesItsData(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{sim: flickrtest.Options{Latency: 20 * time.Millisecond}})
	j := openJournal(t, filepath.Join(t.TempDir(), "runs.db"))
	t.Cleanup(func() { _ = j.Close() })
	w := e.start(Options{Journal: j, ReapEvery: time.Second})
	u := userWith(t, e.world, 150, 400)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	before := waitMidRun(t, w.Client(), u.NSID)
	e.redis.Restart() // started with --save "" --appendonly no: every key is gone
	got := waitDone(t, w.Client(), u.NSID, 3*time.Minute)
	if got.RunID != before.RunID || got.State != runs.StateComplete || got.Done != got.Made {
		t.Errorf("after Redis lost its data: %+v, want run %s resumed and complete", got, before.RunID)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
}

// TestLostRunTooOldEnds: a journaled run Redis lost that is older than Pipeline.MaxRunAge is
// not resumed: it ends at once, its user's pull counted failed, and leaves the journal.
func TestLostRunTooOldEnds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{})
	j := openJournal(t, filepath.Join(t.TempDir(), "runs.db"))
	t.Cleanup(func() { _ = j.Close() })
	u := userWith(t, e.world, 20, 300)
	old := runs.Run{ID: "old-run", User: u.NSID, Reason: runs.ReasonSchedule, StartedAt: time.Now().Add(-7 * time.Hour).Truncate(time.Millisecond)}
	if err := j.Started(ctx, old); err != nil {
		t.Fatal(err)
	}
	w := e.start(Options{Roles: RoleScheduler, Journal: j})
	got := waitDone(t, w.Client(), u.NSID, 30*time.Second)
	want := runs.Progress{RunID: "old-run", User: u.NSID, State: runs.StateCompleteWithErrors, Made: 1, Failed: 1, StartedAt: old.StartedAt.UTC()}
	got.FinishedAt = time.Time{}
	if got != want {
		t.Errorf("lost old run = %+v, want %+v", got, want)
	}
	if left, err := j.Unfinished(ctx); err != nil || len(left) != 0 {
		t.Errorf("journal: %v %v, want empty", left, err)
	}
}

// TestStrandedPullRestartsOnStart: Redis kept the run, but one pull's task is in no queue while
// its lock is held (Redis lost its last writes): on start, the scheduler starts it again instead
// of waiting for the lock to expire (Pipeline.MaxRunAge).
func TestStrandedPullRestartsOnStart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, envOptions{})
	c := e.client()
	u := userWith(t, e.world, 50, 300)
	owner := userWith(t, e.world, 20, 300, u.NSID)
	run, _, err := c.st.Start(ctx, u.NSID, newID(), string(runs.ReasonSchedule), time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	job := runs.NeighborJob(owner.NSID)
	if _, err := c.st.AddJob(ctx, run, job); err != nil {
		t.Fatal(err)
	}
	if err := c.st.Wait(ctx, run, job); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.st.Lock(ctx, job, "pull-that-was-lost", time.Hour); err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	e.start(Options{ReapEvery: time.Hour})
	got := waitDone(t, c, u.NSID, 30*time.Second)
	if got.RunID != run || got.State != runs.StateComplete || got.Done != 1 {
		t.Errorf("run with a stranded pull = %+v, want complete with it done", got)
	}
	if n, want := storedFaves(t, e.store, owner.NSID), min(owner.Faves, 1000); n != want {
		t.Errorf("stored faves of the owner = %d, want %d", n, want)
	}
}
