package worker

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// neighborsOf lists the distinct owners of nsid's favorites in the world, nsid excluded.
func neighborsOf(w *flickrtest.World, nsid string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range w.FavesOf(nsid) {
		if f.Owner != nsid && !seen[f.Owner] {
			seen[f.Owner] = true
			out = append(out, f.Owner)
		}
	}
	sort.Strings(out)
	return out
}

// TestRefreshPullsUserThenFanOut refreshes a member with the default caps: their own pull, then
// the favorites of every neighbor and of their contacts, and the photostreams of the owners they
// fave most and of their contacts, each person once, one call per page.
func TestRefreshPullsUserThenFanOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	w := e.start(Options{Metrics: m, ReapEvery: 100 * time.Millisecond})
	u := userFollowingStrangers(t, e.world, 150, 400)
	ctx := context.Background()

	p, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != runs.StateRunning || p.Made != 1 {
		t.Fatalf("first progress = %+v, want running with 1 task made", p)
	}
	got := waitDone(t, w.Client(), u.NSID, 2*time.Minute)

	ns := neighborsOf(e.world, u.NSID)
	f := fanOutOf(e.world, u.NSID, Pipeline{})
	want := runs.Progress{RunID: p.RunID, User: u.NSID, State: runs.StateComplete, Made: 1 + f.pulls(), Done: 1 + f.pulls()}
	if diff := cmp.Diff(want, got, cmpProgress); diff != "" {
		t.Errorf("final progress (-want +got):\n%s", diff)
	}
	if got.Changed < int64(got.Done) {
		t.Errorf("Changed = %d, want >= %d (one bump per landed pull)", got.Changed, got.Done)
	}
	if n := storedFaves(t, e.store, u.NSID); n != u.Faves {
		t.Errorf("stored faves of user = %d, want %d", n, u.Faves)
	}
	checkFanOutStored(t, e, u.NSID, Pipeline{})
	wantCalls := favePages(u.Faves, 0) + f.faveCalls(t, e.world)
	calls := e.sim.Calls()
	for method, want := range map[string]int{
		"flickr.favorites.getPublicList": wantCalls,
		"flickr.contacts.getPublicList":  1,
		"flickr.people.getPublicPhotos":  len(f.photos),
	} {
		if got := calls[method]; got != want {
			t.Errorf("%s calls = %d, want %d (one per page, every person once)", method, got, want)
		}
	}
	sum, err := e.store.Summary(ctx, u.NSID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Contacts != u.Contacts || sum.Pulled != len(ns) {
		t.Errorf("summary contacts=%d pulled=%d, want %d and %d", sum.Contacts, sum.Pulled, u.Contacts, len(ns))
	}
	recs, err := e.store.RecommendPhotos(ctx, u.NSID, graph.RecOptions{Algorithm: graph.DefaultAlgorithm, Limit: 10})
	if err != nil || len(recs.Items) == 0 {
		t.Errorf("recommendations after refresh: %d items, err %v; want some", len(recs.Items), err)
	}

	wantFaves := u.Faves
	for _, n := range f.faves {
		nu, _ := e.world.User(n)
		wantFaves += min(nu.Faves, 1000)
	}
	metrics := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"photorec_faves_ingested_total", nil, float64(wantFaves)},
		{"photorec_flickr_calls_total", map[string]string{"method": "flickr.favorites.getPublicList", "outcome": "ok"}, float64(wantCalls)},
		{"photorec_flickr_calls_total", map[string]string{"method": "flickr.contacts.getPublicList", "outcome": "ok"}, 1},
		{"photorec_flickr_calls_total", map[string]string{"method": "flickr.people.getPublicPhotos", "outcome": "ok"}, float64(len(f.photos))},
	}
	for _, mt := range metrics {
		if got := counterSum(t, reg, mt.name, mt.labels); got != mt.want {
			t.Errorf("%s%v = %v, want %v", mt.name, mt.labels, got, mt.want)
		}
	}
	hists := []struct {
		name   string
		labels map[string]string
		want   uint64
	}{
		{"photorec_refresh_duration_seconds", map[string]string{"outcome": runs.StateComplete}, 1},
		{"photorec_task_duration_seconds", map[string]string{"type": "graph:ingest", "outcome": "ok"}, uint64(1 + f.pulls())},
		{"photorec_task_duration_seconds", map[string]string{"type": "flickr:pull-neighbor", "outcome": "ok"}, uint64(len(f.faves))},
		{"photorec_task_duration_seconds", map[string]string{"type": "flickr:pull-photos", "outcome": "ok"}, uint64(len(f.photos))},
		{"photorec_flickr_ratelimit_wait_seconds", map[string]string{"lane": "interactive"}, 2},
	}
	for _, h := range hists {
		if got := histCount(t, reg, h.name, h.labels); got != h.want {
			t.Errorf("%s%v count = %d, want %d", h.name, h.labels, got, h.want)
		}
	}
	// The scheduler samples queue depth; the ingest queue exists by now.
	for i := 0; histCount(t, reg, "photorec_queue_tasks", nil) == 0; i++ {
		if i > 500 {
			t.Fatal("photorec_queue_tasks never sampled")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// userFollowingStrangers returns a world user with lo..hi favorites who follows someone whose
// photos they never faved, so a refresh pulls contacts beyond the neighbors.
func userFollowingStrangers(t *testing.T, w *flickrtest.World, lo, hi int) flickrtest.User {
	t.Helper()
	for _, u := range w.Users() {
		if u.Faves < lo || u.Faves > hi || u.Deleted {
			continue
		}
		ns := map[string]bool{}
		for _, n := range neighborsOf(w, u.NSID) {
			ns[n] = true
		}
		for _, c := range w.ContactsOf(u.NSID) {
			if !ns[c] {
				return u
			}
		}
	}
	t.Fatalf("no user with %d..%d favorites follows someone they never faved", lo, hi)
	return flickrtest.User{}
}

// histCount sums the sample counts of a histogram family (or, for a gauge, counts its series)
// over the series whose labels include want.
func histCount(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if v, ok := want[l.GetName()]; ok && v != l.GetValue() {
					continue metrics
				}
			}
			if h := m.GetHistogram(); h != nil {
				n += h.GetSampleCount()
			} else {
				n++
			}
		}
	}
	return n
}

// cmpProgress ignores times and the Changed counter (checked on their own).
var cmpProgress = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".StartedAt", ".FinishedAt", ".Changed":
		return true
	}
	return false
}, cmp.Ignore())

func TestConcurrentRefreshesShareNeighborPulls(t *testing.T) {
	e := newEnv(t, envOptions{})
	w := e.start(Options{})
	ctx := context.Background()
	a, b := twoUsersSharingNeighbors(t, e.world)

	// Several callers refresh the same two users at once: one run each.
	var wg sync.WaitGroup
	started := make(chan runs.Progress, 8)
	for i := range 8 {
		nsid := a.NSID
		if i%2 == 1 {
			nsid = b.NSID
		}
		wg.Go(func() {
			p, err := w.Client().Refresh(ctx, nsid, runs.ReasonView)
			if err != nil {
				t.Error(err)
			}
			started <- p
		})
	}
	wg.Wait()
	close(started)
	ids := map[string]map[string]bool{}
	for p := range started {
		if ids[p.User] == nil {
			ids[p.User] = map[string]bool{}
		}
		ids[p.User][p.RunID] = true
	}
	for nsid, set := range ids {
		if len(set) != 1 {
			t.Errorf("user %s got %d runs, want 1", nsid, len(set))
		}
	}
	pa := waitDone(t, w.Client(), a.NSID, 2*time.Minute)
	pb := waitDone(t, w.Client(), b.NSID, 2*time.Minute)
	for _, p := range []runs.Progress{pa, pb} {
		if p.State != runs.StateComplete || p.Done != p.Made {
			t.Errorf("progress of %s = %+v, want complete", p.User, p)
		}
	}
	// Every distinct person is pulled once, whoever asked for them first.
	fa, fb := fanOutOf(e.world, a.NSID, Pipeline{}), fanOutOf(e.world, b.NSID, Pipeline{})
	var shared fanOut
	faves, photos := map[string]bool{}, map[string]bool{}
	for _, n := range append(fa.faves, fb.faves...) {
		if !faves[n] {
			faves[n], shared.faves = true, append(shared.faves, n)
		}
	}
	for _, n := range append(fa.photos, fb.photos...) {
		if !photos[n] {
			photos[n], shared.photos = true, append(shared.photos, n)
		}
	}
	if len(shared.faves) == len(fa.faves)+len(fb.faves) || len(shared.photos) == len(fa.photos)+len(fb.photos) {
		t.Fatalf("%s and %s share no favorites pull or no photostream: the test needs both", a.NSID, b.NSID)
	}
	want := favePages(a.Faves, 0) + favePages(b.Faves, 0) + shared.faveCalls(t, e.world)
	if got := e.sim.Calls()["flickr.favorites.getPublicList"]; got != want {
		t.Errorf("favorites calls = %d, want %d (shared people pulled once)", got, want)
	}
	if got := e.sim.Calls()["flickr.people.getPublicPhotos"]; got != len(shared.photos) {
		t.Errorf("photostream calls = %d, want %d (shared photostreams pulled once)", got, len(shared.photos))
	}

	// A second refresh soon after reuses the ended run (cooldown); a fresh neighbor is not pulled again.
	again, err := w.Client().Refresh(ctx, a.NSID, runs.ReasonView)
	if err != nil {
		t.Fatal(err)
	}
	if again.RunID != pa.RunID {
		t.Errorf("refresh within cooldown started run %s, want the ended run %s", again.RunID, pa.RunID)
	}
}

// twoUsersSharingNeighbors picks two users with 100..300 favorites who are not each other's
// neighbors but share some neighbors.
func twoUsersSharingNeighbors(t *testing.T, w *flickrtest.World) (flickrtest.User, flickrtest.User) {
	t.Helper()
	var cands []flickrtest.User
	for _, u := range w.Users() {
		if u.Faves >= 100 && u.Faves <= 300 {
			cands = append(cands, u)
		}
	}
	for i, a := range cands {
		na := map[string]bool{}
		for _, n := range neighborsOf(w, a.NSID) {
			na[n] = true
		}
		for _, b := range cands[i+1:] {
			nb := neighborsOf(w, b.NSID)
			// Neither may be in the other's fan-out (as a neighbor or a contact): the count
			// below takes their own pulls and the shared people's as disjoint.
			cross := na[b.NSID] || slices.Contains(w.ContactsOf(a.NSID), b.NSID) || slices.Contains(w.ContactsOf(b.NSID), a.NSID)
			shared := 0
			for _, n := range nb {
				shared += map[bool]int{true: 1}[na[n]]
				cross = cross || n == a.NSID
			}
			if shared >= 5 && !cross {
				return a, b
			}
		}
	}
	t.Fatal("no two users sharing neighbors")
	return flickrtest.User{}, flickrtest.User{}
}

// TestPullStoresOwnerIcons checks that the photographers known only from a favorites list get
// their buddy icon in the graph: the one people.getInfo gives for them.
func TestPullStoresOwnerIcons(t *testing.T) {
	e := newEnv(t, envOptions{})
	w := e.start(Options{Pipeline: Pipeline{MaxNeighbors: 1}})
	u := userWith(t, e.world, 40, 150)
	ctx := context.Background()
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	if p := waitDone(t, w.Client(), u.NSID, 2*time.Minute); p.State != runs.StateComplete {
		t.Fatalf("run ended %+v, want complete", p)
	}
	fc := e.flickrClient(nil, nil)
	owners := neighborsOf(e.world, u.NSID)
	if len(owners) == 0 {
		t.Fatalf("%s faved no one else's photos", u.NSID)
	}
	withIcon := 0
	for _, nsid := range owners {
		want, err := fc.PersonInfo(ctx, nsid)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.store.User(ctx, nsid)
		if err != nil {
			t.Fatalf("owner %s not in the graph: %v", nsid, err)
		}
		if got.IconURL != want.IconURL {
			t.Errorf("owner %s: IconURL %q in the graph, people.getInfo gives %q", nsid, got.IconURL, want.IconURL)
		}
		if want.IconServer != "0" {
			withIcon++
		}
	}
	if withIcon == 0 {
		t.Errorf("none of %d owners has a buddy icon of their own: the test checks only the default", len(owners))
	}
}

// TestPullStoresPhotoSizes checks that favorites reach the graph with their square thumbnail and
// the largest display size Flickr served up to 1024 pixels, with its width and height, also for
// photos too small for a 1024 variant.
func TestPullStoresPhotoSizes(t *testing.T) {
	e := newEnv(t, envOptions{sim: flickrtest.Options{Quirks: flickrtest.Quirks{MissingLarge: true}}})
	w := e.start(Options{Pipeline: Pipeline{MaxNeighbors: 1}})
	u := userWith(t, e.world, 100, 400)
	ctx := context.Background()
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	if p := waitDone(t, w.Client(), u.NSID, 2*time.Minute); p.State != runs.StateComplete {
		t.Fatalf("run ended %+v, want complete", p)
	}
	suffix := map[int]string{1024: "_b", 800: "_c", 640: "_z", 500: ""} // by the longest side
	large, small := 0, 0
	for _, f := range e.world.FavesOf(u.NSID) {
		want, err := e.world.Photo(f.PhotoID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Photo(ctx, f.PhotoID)
		if err != nil {
			t.Fatalf("fave %s not in the graph: %v", f.PhotoID, err)
		}
		edge := max(got.Width, got.Height)
		if sfx, ok := suffix[edge]; !ok || !strings.HasSuffix(got.ImageURL, "/"+got.ID+"_"+want.Secret+sfx+".jpg") {
			t.Errorf("photo %s: image %q at %dx%d: the size does not match the URL", got.ID, got.ImageURL, got.Width, got.Height)
		}
		if !strings.HasSuffix(got.ThumbURL, "_q.jpg") {
			t.Errorf("photo %s: thumbnail %q, want url_q", got.ID, got.ThumbURL)
		}
		if want.HasLarge {
			large++
			if got.Width != want.Width || got.Height != want.Height {
				t.Errorf("photo %s: %dx%d in the graph, want url_l's %dx%d", got.ID, got.Width, got.Height, want.Width, want.Height)
			}
		} else {
			small++
			if edge >= 1024 {
				t.Errorf("photo %s has no 1024 variant, graph says %dx%d", got.ID, got.Width, got.Height)
			}
		}
	}
	if large == 0 || small == 0 {
		t.Errorf("%d faves with url_l, %d without: want both", large, small)
	}
}
