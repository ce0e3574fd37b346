package worker

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// BenchmarkFanOutOrder replays refreshes of three new users of BenchmarkNewUserRefresh's world
// (about 200, 500 and 1,000 favorites; the middle one is that benchmark's user) offline, with
// every pull instant and written straight from the simulator's world into an embedded store, to
// compare fan-out plans: for each, how much of the final top 50 of the default algorithm is on
// screen after the Flickr calls the shared limiter allows by 30, 60 and 120 s (burst + rate x t,
// at the config defaults: burst 120, 3,480 calls/hour). The final top 50 is each variant's own:
// variants that pull the same differ only in order.
//
// It runs only with PHOTOREC_BENCH_PIPELINE=1 (about a minute).
func BenchmarkFanOutOrder(b *testing.B) {
	if os.Getenv("PHOTOREC_BENCH_PIPELINE") == "" {
		b.Skip("set PHOTOREC_BENCH_PIPELINE=1 to run")
	}
	world := flickrtest.Generate(flickrtest.WorldOptions{Seed: 7, Users: 3000})
	def := Pipeline{}.withDefaults().fanCaps()
	with := func(f func(*fanCaps)) fanCaps {
		c := def
		f(&c)
		return c
	}
	variants := []struct {
		name string
		caps fanCaps
	}{
		{"neighbors' favorites only (before)", fanCaps{neighbors: def.neighbors}},
		{"default", def},
		{"no photostreams first", with(func(c *fanCaps) { c.firstPhotostreams = 0 })},
		{"contacts worth 0", with(func(c *fanCaps) { c.contactTaken = 0 })},
		{"contacts worth 4", with(func(c *fanCaps) { c.contactTaken = 4 })},
		{"photostreams worth their favorites", with(func(c *fanCaps) { c.photostreamShare = 1 })},
		{"photostreams worth 1/4 of them", with(func(c *fanCaps) { c.photostreamShare = 0.25 })},
		{"photostreams after all favorites", with(func(c *fanCaps) { c.photostreamShare, c.firstPhotostreams = 0, 0 })},
	}
	for b.Loop() {
		report := fmt.Sprintf("calls by 30/60/120 s at burst 120 + 3,480/h: %v\n", orderBudgets)
		for _, want := range []int{200, 500, 1000} {
			u, _ := benchUser(world, want, want*3/5)
			report += fmt.Sprintf("user %s: %d faves\n", u.NSID, u.Faves)
			for _, v := range variants {
				shares, calls, pulls := replayFanOut(b, world, u, v.caps)
				report += fmt.Sprintf("  %-36s %4d pulls %4d calls  top 50 at 30/60/120 s: %3.0f%% %3.0f%% %3.0f%%\n",
					v.name, pulls, calls, 100*shares[0], 100*shares[1], 100*shares[2])
			}
		}
		b.Log("\n" + report)
	}
}

// orderBudgets are the Flickr calls made by 30, 60 and 120 s: burst 120, then 3,480 per hour.
var orderBudgets = []int{120 + 3480*30/3600, 120 + 3480*60/3600, 120 + 3480*120/3600}

// replayFanOut pulls u, plans the fan-out with caps, applies the pulls in order, and returns the
// share of the final top 50 on screen at each of orderBudgets, the calls and pulls of the whole run.
func replayFanOut(b *testing.B, world *flickrtest.World, u flickrtest.User, caps fanCaps) ([]float64, int, int) {
	b.Helper()
	ctx := context.Background()
	st, err := embedded.Open(ctx, embedded.Options{Dir: b.TempDir(), NoPageCache: true, Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	at := time.Now()
	calls := replayFaves(b, st, world, u.NSID, 0, at) + 1
	contacts := world.ContactsOf(u.NSID)
	cs := make([]graph.User, len(contacts))
	for i, c := range contacts {
		cs[i] = graph.User{NSID: c}
	}
	if err := st.SetContacts(ctx, u.NSID, cs); err != nil {
		b.Fatal(err)
	}
	ns, err := st.Neighbors(ctx, u.NSID, graph.ByTaken, max(caps.neighbors, caps.ownerPhotos))
	if err != nil {
		b.Fatal(err)
	}
	plan := planFanOut(u.NSID, ns, contacts, caps)
	var shown []map[string]bool
	for _, p := range plan {
		cost := 1
		if !p.photos {
			nu, _ := world.User(p.nsid)
			cost = favePages(nu.Faves, 1000)
		}
		for len(shown) < len(orderBudgets) && calls+cost > orderBudgets[len(shown)] {
			shown = append(shown, topIDs(b, st, u.NSID))
		}
		if p.photos {
			replayPhotos(b, st, world, p.nsid, at)
		} else {
			replayFaves(b, st, world, p.nsid, 1000, at)
		}
		calls += cost
	}
	final := topIDs(b, st, u.NSID)
	shares := make([]float64, len(orderBudgets))
	for i := range shares {
		shares[i] = 1
		if i < len(shown) {
			shares[i] = overlap(shown[i], final)
		}
	}
	return shares, calls, len(plan)
}

// replayFaves writes nsid's newest favorites (at most limit when > 0) as one full pull and
// returns the calls a pull of them costs.
func replayFaves(b *testing.B, st graph.Store, world *flickrtest.World, nsid string, limit int, at time.Time) int {
	b.Helper()
	fs := world.FavesOf(nsid)
	if limit > 0 && len(fs) > limit {
		fs = fs[:limit]
	}
	batch := graph.FavesBatch{User: nsid, PullID: "replay", At: at}
	for _, f := range fs {
		batch.Faves = append(batch.Faves, graph.Fave{Photo: graph.Photo{ID: f.PhotoID, Owner: f.Owner}, FavedAt: f.FavedAt})
	}
	ctx := context.Background()
	if err := st.AddFaves(ctx, batch); err != nil {
		b.Fatal(err)
	}
	if err := st.FinishPull(ctx, graph.PullDone{User: nsid, PullID: "replay", Kind: graph.PullFull, At: at}); err != nil {
		b.Fatal(err)
	}
	return favePages(len(fs), 0)
}

// replayPhotos writes nsid's newest photos, as many as a photostream pull asks for by default.
func replayPhotos(b *testing.B, st graph.Store, world *flickrtest.World, nsid string, at time.Time) {
	b.Helper()
	ps := world.PhotosOf(nsid)
	if n := (Pipeline{}).withDefaults().PhotosPerPerson; len(ps) > n {
		ps = ps[:n]
	}
	batch := graph.PhotosBatch{Owner: nsid, At: at}
	for _, p := range ps {
		batch.Photos = append(batch.Photos, graph.Photo{ID: p.ID, Owner: p.Owner})
	}
	if err := st.AddPhotos(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
}
