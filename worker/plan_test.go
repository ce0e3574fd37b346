package worker

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

func TestPlanFanOut(t *testing.T) {
	nb := func(nsid string, taken int) graph.Neighbor {
		return graph.Neighbor{User: graph.User{NSID: nsid}, Taken: taken}
	}
	// Neighbors by graph.ByTaken; the member "u" follows c (a neighbor), x, y, themselves and z.
	ns := []graph.Neighbor{nb("a", 5), nb("b", 3), nb("c", 2), nb("d", 1), nb("e", 1)}
	contacts := []string{"c", "x", "y", "u", "z"}
	weights := fanCaps{contactTaken: 2, photostreamShare: 0.1, firstPhotostreams: 2}
	caps := func(neighbors, ownerPhotos, contactFaves, contactPhotos int) fanCaps {
		c := weights
		c.neighbors, c.ownerPhotos, c.contactFaves, c.contactPhotos = neighbors, ownerPhotos, contactFaves, contactPhotos
		return c
	}
	fav := func(nsid string) fanPull { return fanPull{nsid: nsid} }
	pho := func(nsid string) fanPull { return fanPull{nsid: nsid, photos: true} }
	tests := []struct {
		name     string
		ns       []graph.Neighbor
		contacts []string
		caps     fanCaps
		want     []fanPull
	}{
		{
			// Values: favorites a 5, c 2+2, b 3, x y z 2, d e 1; photostreams a b first, then
			// a tenth of their favorites' value: c 0.4, x y z 0.2, d e 0.1.
			name: "everything", ns: ns, contacts: contacts, caps: caps(10, 10, 10, 10),
			want: []fanPull{pho("a"), pho("b"), fav("a"), fav("c"), fav("b"), fav("x"), fav("y"), fav("z"),
				fav("d"), fav("e"), pho("c"), pho("x"), pho("y"), pho("z"), pho("d"), pho("e")},
		},
		{
			// c is beyond the neighbor caps, so c is pulled as a contact: first in contact order.
			name: "caps", ns: ns, contacts: contacts, caps: caps(2, 1, 1, 2),
			want: []fanPull{pho("a"), fav("a"), fav("c"), fav("b"), pho("c"), pho("x")},
		},
		{
			// c is still worth more as a contact.
			name: "neighbors' favorites only", ns: ns, contacts: contacts, caps: caps(3, 0, 0, 0),
			want: []fanPull{fav("a"), fav("c"), fav("b")},
		},
		{
			name: "contacts only", contacts: contacts, caps: caps(10, 10, 10, 1),
			want: []fanPull{fav("c"), fav("x"), fav("y"), fav("z"), pho("c")},
		},
		{
			// Without the two first photostreams and with photostreams worth their favorites,
			// a person's photostream goes right after their favorites.
			name: "photostreams worth their favorites", ns: ns[:2], contacts: []string{"x"},
			caps: fanCaps{neighbors: 10, ownerPhotos: 10, contactFaves: 10, contactPhotos: 10, contactTaken: 2, photostreamShare: 1},
			want: []fanPull{fav("a"), pho("a"), fav("b"), pho("b"), fav("x"), pho("x")},
		},
		{name: "nobody", caps: caps(10, 10, 10, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planFanOut("u", tt.ns, tt.contacts, tt.caps)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(fanPull{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFanOutQueuesPlanInOrder runs the fan-out of a member's pull with no puller running and
// reads the queues: the plan's pulls, in order, the first FirstPulls on pull-first and the rest
// on pull, without the favorites and photostreams pulled within NeighborFresh.
func TestFanOutQueuesPlanInOrder(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	pipe := Pipeline{MaxNeighbors: 6, OwnerPhotos: 3, ContactFaves: 2, ContactPhotos: 2, FirstPulls: 4}
	w, err := New(Options{Redis: e.rdb, Roles: RoleIngest, Graph: e.store, Pipeline: pipe, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	u := userFollowingStrangers(t, e.world, 100, 300)
	contacts := e.world.ContactsOf(u.NSID)
	var b graph.FavesBatch
	b.User, b.PullID, b.At = u.NSID, "p", time.Now()
	for _, f := range e.world.FavesOf(u.NSID) {
		b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: f.PhotoID, Owner: f.Owner}, FavedAt: f.FavedAt})
	}
	if err := e.store.AddFaves(ctx, b); err != nil {
		t.Fatal(err)
	}
	ns, err := e.store.Neighbors(ctx, u.NSID, graph.ByTaken, 6)
	if err != nil {
		t.Fatal(err)
	}
	plan := planFanOut(u.NSID, ns, contacts, w.pipe.fanCaps())
	// Fresh: the second neighbor's favorites (pulled an hour ago, in the graph) and the first
	// photostream after the planned first ones (its freshness mark in Redis).
	fresh := map[fanPull]bool{{nsid: ns[1].User.NSID}: true}
	if err := e.store.FinishPull(ctx, graph.PullDone{User: ns[1].User.NSID, PullID: "old", Kind: graph.PullFull, At: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, p := range plan[firstPhotostreams:] {
		if p.photos {
			fresh[p] = true
			if _, err := w.client.st.Release(ctx, p.job(), "old", time.Hour); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if len(fresh) != 2 {
		t.Fatalf("plan %v has no photostream to mark fresh", plan)
	}
	run, _, err := w.client.st.Start(ctx, u.NSID, newID(), string(runs.ReasonLogin), time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.st.AddJob(ctx, run, runs.UserJob(u.NSID)); err != nil {
		t.Fatal(err)
	}
	if err := w.client.st.Wait(ctx, run, runs.UserJob(u.NSID)); err != nil {
		t.Fatal(err)
	}

	if err := w.fanOut(ctx, runs.UserJob(u.NSID), u.NSID, contacts); err != nil {
		t.Fatal(err)
	}
	var wantJobs []string
	for _, p := range plan {
		if !fresh[p] {
			wantJobs = append(wantJobs, p.job())
		}
	}
	if len(wantJobs) <= pipe.FirstPulls {
		t.Fatalf("%d pulls planned: the test needs more than FirstPulls", len(wantJobs))
	}
	for _, q := range []struct {
		name string
		want []string
	}{
		{task.QueuePullFirst, wantJobs[:pipe.FirstPulls]},
		{task.QueuePull, wantJobs[pipe.FirstPulls:]},
	} {
		tis, err := w.insp.ListPendingTasks(q.name, asynq.PageSize(1000))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ti := range tis {
			p, err := task.ParsePull(asynq.NewTask(ti.Type, ti.Payload))
			if err != nil {
				t.Fatal(err)
			}
			if wantType := map[bool]string{true: task.TypePullPhotos, false: task.TypePullNeighbor}[p.Photostream()]; ti.Type != wantType {
				t.Errorf("%s: task type %s, want %s", p.Job, ti.Type, wantType)
			}
			if p.Photostream() && p.MaxPhotos != w.pipe.PhotosPerPerson {
				t.Errorf("%s asks for %d photos, want %d", p.Job, p.MaxPhotos, w.pipe.PhotosPerPerson)
			}
			got = append(got, p.Job)
		}
		if diff := cmp.Diff(q.want, got); diff != "" {
			t.Errorf("queue %s (-want +got):\n%s", q.name, diff)
		}
	}
	p, err := w.client.st.RunProgress(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if p.Made != 1+len(wantJobs) {
		t.Errorf("run made %d pulls, want %d: the user's own and the pulls that are not fresh", p.Made, 1+len(wantJobs))
	}
}

// TestRefreshFanOutIsBounded refreshes one member under several caps: each run pulls exactly what
// the caps allow (fanOutOf), one call per page, and stores it.
func TestRefreshFanOutIsBounded(t *testing.T) {
	tests := []struct {
		name string
		pipe Pipeline
	}{
		{"small caps", Pipeline{MaxNeighbors: 5, OwnerPhotos: 3, ContactFaves: 2, ContactPhotos: 1}},
		{"no contacts, no photostreams", Pipeline{MaxNeighbors: 4, OwnerPhotos: -1, ContactFaves: -1, ContactPhotos: -1}},
		{"mostly photostreams, two photos each", Pipeline{MaxNeighbors: 1, ContactFaves: -1, OwnerPhotos: 7, ContactPhotos: 3, PhotosPerPerson: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			w := e.start(Options{Pipeline: tt.pipe})
			u := userFollowingStrangers(t, e.world, 100, 300)
			if _, err := w.Client().Refresh(context.Background(), u.NSID, runs.ReasonLogin); err != nil {
				t.Fatal(err)
			}
			got := waitDone(t, w.Client(), u.NSID, 2*time.Minute)
			f := fanOutOf(e.world, u.NSID, tt.pipe)
			if got.State != runs.StateComplete || got.Made != 1+f.pulls() || got.Done != got.Made {
				t.Errorf("progress %+v, want complete with %d pulls", got, 1+f.pulls())
			}
			calls := e.sim.Calls()
			for method, want := range map[string]int{
				"flickr.favorites.getPublicList": favePages(u.Faves, 0) + f.faveCalls(t, e.world),
				"flickr.people.getPublicPhotos":  len(f.photos),
			} {
				if calls[method] != want {
					t.Errorf("%s calls = %d, want %d", method, calls[method], want)
				}
			}
			checkFanOutStored(t, e, u.NSID, tt.pipe)
		})
	}
}
