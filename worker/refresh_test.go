package worker

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// photoNotFavedBy returns a photo of the world that nsid has not faved, whose owner is neither
// nsid nor one of nsid's neighbors.
func photoNotFavedBy(t *testing.T, w *flickrtest.World, nsid string) flickrtest.Photo {
	t.Helper()
	skip := map[string]bool{nsid: true}
	for _, n := range neighborsOf(w, nsid) {
		skip[n] = true
	}
	for _, u := range w.Users() {
		if skip[u.NSID] || u.Faves < 20 {
			continue
		}
		if ps := w.PhotosOf(u.NSID); len(ps) > 0 {
			return ps[0]
		}
	}
	t.Fatal("no photo outside the user's neighborhood")
	return flickrtest.Photo{}
}

func TestIncrementalThenFullPull(t *testing.T) {
	e := newEnv(t, envOptions{})
	pipe := Pipeline{RefreshCooldown: time.Nanosecond}
	w := e.start(Options{Pipeline: pipe})
	ctx := context.Background()
	u := userWith(t, e.world, 100, 300)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	first := waitDone(t, w.Client(), u.NSID, 2*time.Minute)

	// On Flickr: one new favorite, one removed.
	before := fanOutOf(e.world, u.NSID, pipe)
	added := photoNotFavedBy(t, e.world, u.NSID)
	if err := e.world.AddFave(u.NSID, added.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	removed := e.world.FavesOf(u.NSID)[5]
	if err := e.world.RemoveFave(u.NSID, removed.PhotoID); err != nil {
		t.Fatal(err)
	}
	// The new owner, a new neighbor, is pulled unless the first run pulled them already (as a
	// contact); so is their photostream when they are among the owners faved most.
	after := fanOutOf(e.world, u.NSID, pipe)
	var grown fanOut
	for _, n := range after.faves {
		if !slices.Contains(before.faves, n) {
			grown.faves = append(grown.faves, n)
		}
	}
	for _, n := range after.photos {
		if !slices.Contains(before.photos, n) {
			grown.photos = append(grown.photos, n)
		}
	}

	tests := []struct {
		name           string
		fullEvery      time.Duration
		wantFaves      int
		wantCalls      int // favorites calls of the user's own pull plus the new owner's
		wantPhotoCalls int
		wantMade       int // pulls counted: fresh people are skipped
	}{
		// Incremental: sees the new fave (and pulls its owner, a new neighbor), keeps the removed
		// one; every photostream pulled by the first run is fresh.
		{"incremental", 0, u.Faves + 1, 1 + grown.faveCalls(t, e.world), len(grown.photos), 1 + grown.pulls()},
		// Full: the removed fave disappears; nothing else is pulled (every person is fresh).
		{"full", time.Nanosecond, u.Faves, 1, 0, 1},
	}
	for _, tt := range tests {
		c, err := NewClient(ClientOptions{Redis: e.rdb, Graph: e.store, Pipeline: Pipeline{RefreshCooldown: time.Nanosecond, FullEvery: tt.fullEvery}, Logger: testLogger()})
		if err != nil {
			t.Fatal(err)
		}
		e.sim.ResetCalls()
		p, err := c.Refresh(ctx, u.NSID, runs.ReasonManual)
		if err != nil {
			t.Fatal(err)
		}
		if p.RunID == first.RunID {
			t.Fatalf("%s: refresh joined the old run", tt.name)
		}
		got := waitDone(t, c, u.NSID, 2*time.Minute)
		if got.State != runs.StateComplete {
			t.Errorf("%s: state %s, want complete", tt.name, got.State)
		}
		if n := storedFaves(t, e.store, u.NSID); n != tt.wantFaves {
			t.Errorf("%s: stored faves = %d, want %d", tt.name, n, tt.wantFaves)
		}
		if calls := e.sim.Calls()["flickr.favorites.getPublicList"]; calls != tt.wantCalls {
			t.Errorf("%s: favorites calls = %d, want %d", tt.name, calls, tt.wantCalls)
		}
		if calls := e.sim.Calls()["flickr.people.getPublicPhotos"]; calls != tt.wantPhotoCalls {
			t.Errorf("%s: photostream calls = %d, want %d", tt.name, calls, tt.wantPhotoCalls)
		}
		if got.Made != tt.wantMade || got.Done != tt.wantMade {
			t.Errorf("%s: progress %+v, want %d pulls made and done", tt.name, got, tt.wantMade)
		}
		if got.Changed <= first.Changed {
			t.Errorf("%s: Changed = %d, want more than %d", tt.name, got.Changed, first.Changed)
		}
	}
}

func TestPermanentErrorsCountAsFailed(t *testing.T) {
	e := newEnv(t, envOptions{})
	w := e.start(Options{})
	ctx := context.Background()

	gone := userWith(t, e.world, 20, 300)
	e.world.DeleteUser(gone.NSID)
	if _, err := w.Client().Refresh(ctx, gone.NSID, runs.ReasonView); err != nil {
		t.Fatal(err)
	}
	got := waitDone(t, w.Client(), gone.NSID, time.Minute)
	if got.State != runs.StateCompleteWithErrors || got.Made != 1 || got.Failed != 1 {
		t.Errorf("progress of a user deleted on Flickr = %+v, want complete_with_errors 1/1 failed", got)
	}
	if calls := e.sim.Calls()["flickr.favorites.getPublicList"]; calls != 1 {
		t.Errorf("favorites calls = %d, want 1 (not found is not retried)", calls)
	}

	// The photostream of someone deleted on Flickr fails the same way.
	u := userWith(t, e.world, 20, 300, gone.NSID)
	run, _, err := w.Client().st.Start(ctx, u.NSID, newID(), string(runs.ReasonView), time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Client().startPhotosPull(ctx, run, gone.NSID, task.QueuePull, task.LaneBackground); err != nil {
		t.Fatal(err)
	}
	got = waitDone(t, w.Client(), u.NSID, time.Minute)
	if got.State != runs.StateCompleteWithErrors || got.Made != 1 || got.Failed != 1 {
		t.Errorf("progress of a photostream pull of a deleted user = %+v, want complete_with_errors 1/1 failed", got)
	}
	if calls := e.sim.Calls()["flickr.people.getPublicPhotos"]; calls != 1 {
		t.Errorf("photostream calls = %d, want 1 (not found is not retried)", calls)
	}
}

func TestFaveAddedPullsOwnerOnce(t *testing.T) {
	e := newEnv(t, envOptions{})
	w := e.start(Options{})
	ctx := context.Background()
	u := userWith(t, e.world, 100, 300)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	first := waitDone(t, w.Client(), u.NSID, 2*time.Minute)

	ph := photoNotFavedBy(t, e.world, u.NSID)
	owner, err := e.world.User(ph.Owner)
	if err != nil {
		t.Fatal(err)
	}
	// What the server does: write the fave at once, then tell the pipeline (twice, as a double click would).
	photo := graph.Photo{ID: ph.ID, Owner: ph.Owner}
	if err := e.store.AddFaves(ctx, graph.FavesBatch{User: u.NSID, Faves: []graph.Fave{{Photo: photo, FavedAt: time.Now()}}}); err != nil {
		t.Fatal(err)
	}
	e.sim.ResetCalls()
	for range 2 {
		if err := w.Client().FaveAdded(ctx, u.NSID, photo); err != nil {
			t.Fatal(err)
		}
	}
	got := waitDone(t, w.Client(), u.NSID, time.Minute)
	if got.RunID == first.RunID || got.Made != 1 || got.Done != 1 {
		t.Errorf("progress after fave = %+v, want a new run with one pull done", got)
	}
	if got.Changed <= first.Changed {
		t.Errorf("Changed = %d, want more than %d", got.Changed, first.Changed)
	}
	if n, want := storedFaves(t, e.store, owner.NSID), min(owner.Faves, 1000); n != want {
		t.Errorf("stored faves of the owner = %d, want %d", n, want)
	}
	if calls, want := e.sim.Calls()["flickr.favorites.getPublicList"], favePages(owner.Faves, 1000); calls != want {
		t.Errorf("favorites calls = %d, want %d (owner pulled once)", calls, want)
	}
	// Faving another photo of the same, now fresh, owner pulls nothing.
	e.sim.ResetCalls()
	if err := w.Client().FaveAdded(ctx, u.NSID, photo); err != nil {
		t.Fatal(err)
	}
	if calls := e.sim.Calls()["flickr.favorites.getPublicList"]; calls != 0 {
		t.Errorf("favorites calls for a fresh owner = %d, want 0", calls)
	}
	// Own photos are a no-op.
	if err := w.Client().FaveAdded(ctx, u.NSID, graph.Photo{ID: "1", Owner: u.NSID}); err != nil {
		t.Errorf("FaveAdded of an own photo: %v", err)
	}
}

func TestSchedulersDoNotDuplicate(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	var users []string
	for _, u := range e.world.Users() {
		if u.Faves >= 20 && u.Faves <= 100 && len(users) < 4 {
			users = append(users, u.NSID)
			if err := e.store.Register(ctx, u.NSID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Two processes' worth of schedulers and ingesters, one puller.
	sched := Options{Roles: RoleIngest | RoleScheduler, ScheduleEvery: time.Second, ReapEvery: time.Second}
	e.start(sched)
	e.start(sched)
	w := e.start(Options{Roles: RolePull})
	for _, nsid := range users {
		if p := waitDone(t, w.Client(), nsid, 2*time.Minute); p.State != runs.StateComplete {
			t.Errorf("scheduled run of %s = %+v, want complete", nsid, p)
		}
	}
	// Let a few more periods pass: nobody is due again, so nothing is pulled again.
	time.Sleep(3 * time.Second)
	if calls := e.sim.Calls()["flickr.contacts.getPublicList"]; calls != len(users) {
		t.Errorf("contacts calls = %d, want %d (one user pull per registered user)", calls, len(users))
	}
}

func TestFavePromotesQueuedPull(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	c := e.client()
	a := userWith(t, e.world, 50, 300)
	b := userWith(t, e.world, 50, 300, a.NSID)
	owner := userWith(t, e.world, 20, 300, a.NSID, b.NSID)
	// a's run queued the owner as a background neighbor; no puller runs yet.
	run, _, err := c.st.Start(ctx, a.NSID, newID(), string(runs.ReasonSchedule), time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.startNeighborPull(ctx, run, owner.NSID, task.QueuePull, task.LaneBackground); err != nil {
		t.Fatal(err)
	}
	// b faves one of the owner's photos: the same pull moves to the interactive queue.
	if err := c.FaveAdded(ctx, b.NSID, graph.Photo{ID: "1", Owner: owner.NSID}); err != nil {
		t.Fatal(err)
	}
	id := task.PullTaskID(runs.NeighborJob(owner.NSID))
	if _, err := c.insp.GetTaskInfo(task.QueuePull, id); err == nil {
		t.Errorf("pull still on the %s queue after a fave", task.QueuePull)
	}
	ti, err := c.insp.GetTaskInfo(task.QueueInteractive, id)
	if err != nil {
		t.Fatalf("pull not on the interactive queue: %v", err)
	}
	p, err := task.ParsePull(asynq.NewTask(ti.Type, ti.Payload))
	if err != nil || p.Lane != task.LaneInteractive {
		t.Errorf("promoted pull lane = %q (err %v), want %q", p.Lane, err, task.LaneInteractive)
	}
	// One pull then ends both runs.
	e.start(Options{})
	for _, nsid := range []string{a.NSID, b.NSID} {
		if got := waitDone(t, c, nsid, time.Minute); got.State != runs.StateComplete || got.Done != 1 {
			t.Errorf("run of %s = %+v, want complete with the one shared pull", nsid, got)
		}
	}
	if calls, want := e.sim.Calls()["flickr.favorites.getPublicList"], favePages(owner.Faves, 1000); calls != want {
		t.Errorf("favorites calls = %d, want %d", calls, want)
	}
}

func TestRefreshJoinsFaveRunAndAddsUserPull(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	c := e.client()
	u := userWith(t, e.world, 50, 300)
	owner := userWith(t, e.world, 20, 300, u.NSID)
	if err := c.FaveAdded(ctx, u.NSID, graph.Photo{ID: "1", Owner: owner.NSID}); err != nil {
		t.Fatal(err)
	}
	fave, err := c.Progress(ctx, u.NSID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Refresh(ctx, u.NSID, runs.ReasonLogin)
	if err != nil {
		t.Fatal(err)
	}
	if got.RunID != fave.RunID || got.Made != 2 {
		t.Errorf("refresh during a fave run = %+v, want run %s with 2 pulls made (owner, user)", got, fave.RunID)
	}
	ti, err := c.insp.GetTaskInfo(task.QueueInteractive, task.PullTaskID(runs.UserJob(u.NSID)))
	if err != nil || ti.Type != task.TypePullUser {
		t.Errorf("user pull on the interactive queue: %v, %v", ti, err)
	}
}

func TestReaperRestartsLostStarts(t *testing.T) {
	tests := []struct {
		name   string
		job    func(nsid string) string
		stored func(t *testing.T, e *env, owner flickrtest.User)
	}{
		{"favorites", runs.NeighborJob, func(t *testing.T, e *env, owner flickrtest.User) {
			t.Helper()
			if n, want := storedFaves(t, e.store, owner.NSID), min(owner.Faves, 1000); n != want {
				t.Errorf("stored faves of the owner = %d, want %d", n, want)
			}
		}},
		{"photostream", runs.PhotosJob, func(t *testing.T, e *env, owner flickrtest.User) {
			t.Helper()
			for _, p := range e.world.PhotosOf(owner.NSID) {
				if _, err := e.store.Photo(context.Background(), p.ID); err != nil {
					t.Errorf("photo %s of the owner: %v", p.ID, err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			ctx := context.Background()
			c := e.client()
			u := userWith(t, e.world, 50, 300)
			owner := userWith(t, e.world, 20, 300, u.NSID)
			if owner.Uploads == 0 || owner.Uploads > 100 {
				t.Fatalf("owner %s has %d photos: want 1..100", owner.NSID, owner.Uploads)
			}
			// A start cut short: the pull is counted in the run, but Redis failed before it was enqueued.
			run, _, err := c.st.Start(ctx, u.NSID, newID(), string(runs.ReasonFave), time.Now(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.st.AddJob(ctx, run, tt.job(owner.NSID)); err != nil {
				t.Fatal(err)
			}
			e.start(Options{ReapEvery: 100 * time.Millisecond})
			got := waitDone(t, c, u.NSID, time.Minute)
			if got.RunID != run || got.State != runs.StateComplete || got.Done != 1 {
				t.Errorf("progress = %+v, want run %s complete with the lost pull done", got, run)
			}
			tt.stored(t, e, owner)
		})
	}
}

// TestViewPullsInTheAnonymousLane: a refresh asked for by browsing (runs.ReasonView) pulls the
// member on the interactive queue but in the visitors' lane of the Flickr budget; a login's
// pull is in the members' lane.
func TestViewPullsInTheAnonymousLane(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	c := e.client()
	var used []string
	for _, tc := range []struct {
		reason runs.Reason
		lane   string
	}{
		{runs.ReasonView, task.LaneAnonymous},
		{runs.ReasonLogin, task.LaneInteractive},
	} {
		u := userWith(t, e.world, 20, 300, used...)
		used = append(used, u.NSID)
		if _, err := c.Refresh(ctx, u.NSID, tc.reason); err != nil {
			t.Fatal(err)
		}
		ti, err := c.insp.GetTaskInfo(task.QueueInteractive, task.PullTaskID(runs.UserJob(u.NSID)))
		if err != nil {
			t.Fatalf("%s: user pull not on the interactive queue: %v", tc.reason, err)
		}
		p, err := task.ParsePull(asynq.NewTask(ti.Type, ti.Payload))
		if err != nil || p.Lane != tc.lane {
			t.Errorf("%s: user pull lane = %q (err %v), want %q", tc.reason, p.Lane, err, tc.lane)
		}
	}
}
