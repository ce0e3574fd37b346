package graphtest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// The cases below pin the write contract where a backend that tags edges instead of keeping
// per-pull state goes wrong: the first owner of a photo wins, a repeated FinishPull is a no-op
// even after other pulls finished, and a fave seen by a pull is never deleted by that pull.

// testFirstOwnerWins: a batch of faves naming another owner for a stored photo changes nothing
// of the ownership: the photo is listed once, the second owner is no neighbor and is not created.
func (su suite) testFirstOwnerWins(t *testing.T) {
	s := su.open(t)
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "a", PullID: "pa", At: at(1), Faves: []graph.Fave{
		{Photo: photo("p1", "o1")}, {Photo: photo("p2", "o1")},
	}}))
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "b", PullID: "pb", At: at(2), Faves: []graph.Fave{
		{Photo: photo("p1", "o2")}, {Photo: photo("p3", "o2")},
	}}))
	for id, want := range map[string]string{"p1": "o1", "p2": "o1", "p3": "o2"} {
		if p, err := s.Photo(ctx(), id); err != nil || p.Owner != want {
			t.Errorf("owner of %s = %q (%v), want %s", id, p.Owner, err, want)
		}
	}
	// a, b, o1, o2 (o2 owns p3); nothing else.
	if diff := cmp.Diff(graph.Stats{Users: 4, Photos: 3, Faves: 4}, stats(t, s)); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	nb, err := s.Neighbors(ctx(), "b", graph.ByTaken, graph.MaxLimit)
	mustDo(t, err)
	got := map[string]int{}
	for _, n := range nb {
		got[n.User.NSID] = n.Taken
	}
	if diff := cmp.Diff(map[string]int{"o1": 1, "o2": 1}, got); diff != "" {
		t.Errorf("neighbors of b by taken (-want +got):\n%s", diff)
	}
	// c faves p2 (by o1): a is c's co-faver and o1 its neighbor; p1 is listed once, by o1.
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "c", At: at(3), Faves: []graph.Fave{{Photo: photo("p2", "o1")}}}))
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "o1", At: at(3), Faves: []graph.Fave{{Photo: photo("p3", "o2")}}}))
	for _, algo := range []graph.Algorithm{graph.Flexplore, graph.RP3Beta, graph.Popularity} {
		recs := allPhotos(t, s, "c", graph.RecOptions{Algorithm: algo, Limit: 10})
		n := 0
		for _, r := range recs {
			if r.Photo.ID == "p1" {
				n++
				if r.Owner.NSID != "o1" {
					t.Errorf("%s for c: p1 listed with owner %s, want o1", algo, r.Owner.NSID)
				}
			}
		}
		if n > 1 {
			t.Errorf("%s for c: p1 listed %d times, want at most once", algo, n)
		}
	}
}

// testRepeatedFinishPull: a FinishPull delivered again, even after other pulls of the user
// finished, changes nothing: it removes no fave (in-app ones included) and moves no pull time.
func (su suite) testRepeatedFinishPull(t *testing.T) {
	s := su.open(t)
	fave := func(pull string, sec int, ids ...string) {
		t.Helper()
		b := graph.FavesBatch{User: "u", PullID: pull, At: at(sec)}
		for i, id := range ids {
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(id, "o"), FavedAt: at(100 + sec + i)})
		}
		mustDo(t, s.AddFaves(ctx(), b))
	}
	finish := func(pull string, kind graph.PullKind, sec int) {
		t.Helper()
		mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: pull, Kind: kind, At: at(sec)}))
	}
	fave("full-1", 10, "p1", "p2")
	finish("full-1", graph.PullFull, 11)
	fave("", 20, "p3") // a fave made in the app
	finish("full-1", graph.PullFull, 21)
	if diff := cmp.Diff([]string{"p3", "p2", "p1"}, faveIDs(t, s)); diff != "" {
		t.Errorf("after full-1 finished twice (-want +got):\n%s", diff)
	}
	fave("inc-1", 30, "p4")
	finish("inc-1", graph.PullIncremental, 31)
	// full-1 again, after inc-1: still nothing removed, and the pull times stay inc-1's.
	finish("full-1", graph.PullFull, 40)
	if diff := cmp.Diff([]string{"p4", "p3", "p2", "p1"}, faveIDs(t, s)); diff != "" {
		t.Errorf("after full-1 redelivered after inc-1 (-want +got):\n%s", diff)
	}
	ps, err := s.PullState(ctx(), "u")
	mustDo(t, err)
	want := graph.PullState{LastPullAt: at(31), LastFullPullAt: at(11), NewestFaveAt: at(130)}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Errorf("pull state after redelivered finishes (-want +got):\n%s", diff)
	}
}

// testOverlappingPulls: two full pulls of one user overlap, and an in-app fave re-faves a photo
// the first pull saw. Each pull removes only what it did not see; a fave it saw stays.
func (su suite) testOverlappingPulls(t *testing.T) {
	s := su.open(t)
	add := func(pull string, sec int, ids ...string) {
		t.Helper()
		b := graph.FavesBatch{User: "u", PullID: pull, At: at(sec)}
		for _, id := range ids {
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(id, "o"), FavedAt: at(100 + sec)})
		}
		mustDo(t, s.AddFaves(ctx(), b))
	}
	add("full-0", 1, "p0", "p1", "p2", "p3")
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-0", Kind: graph.PullFull, At: at(2)}))
	add("full-1", 10, "p1", "p2")
	add("full-2", 11, "p1", "p3")
	add("", 12, "p2") // the member faves p2 again in the app
	// full-1 saw p1 and p2 (p2 since re-faved, p1 since seen by full-2): both stay; p0, p3 go.
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-1", Kind: graph.PullFull, At: at(13)}))
	if diff := cmp.Diff([]string{"p2", "p1"}, faveIDs(t, s)); diff != "" {
		t.Errorf("after full-1 (-want +got):\n%s", diff)
	}
	// full-2 saw p1 and p3 (p3 removed meanwhile): p1 stays, p2 (not seen by full-2) goes.
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-2", Kind: graph.PullFull, At: at(14)}))
	if diff := cmp.Diff([]string{"p1"}, faveIDs(t, s)); diff != "" {
		t.Errorf("after full-2 (-want +got):\n%s", diff)
	}
	ps, err := s.PullState(ctx(), "u")
	mustDo(t, err)
	if !ps.LastFullPullAt.Equal(at(14)) || !ps.NewestFaveAt.Equal(at(111)) {
		t.Errorf("pull state = %+v, want last full pull %v, newest fave %v", ps, at(14), at(111))
	}
}
