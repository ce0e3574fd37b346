package graphtest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

func stats(t *testing.T, s graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(ctx())
	mustDo(t, err)
	return st
}

func (su suite) testDuplicateIngest(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	before := stats(t, s)
	want := photoScores(allPhotos(t, s, "u", opts(50)))
	load(t, s, nil, basic) // the same batches again
	if diff := cmp.Diff(before, stats(t, s)); diff != "" {
		t.Errorf("stats after duplicate ingest (-before +after):\n%s", diff)
	}
	if want := (graph.Stats{Users: 5, Photos: 7, Faves: 12}); before != want {
		t.Errorf("stats = %+v, want %+v", before, want)
	}
	checkScores(t, "photos after duplicate ingest", photoScores(allPhotos(t, s, "u", opts(50))), want)
	// A batch repeating one photo is one edge.
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "d", At: t0, Faves: []graph.Fave{
		{Photo: photo("pd", "a")}, {Photo: photo("pd", "a")},
	}}))
	sum, err := s.Summary(ctx(), "d")
	mustDo(t, err)
	if sum.Faves != 1 {
		t.Errorf("faves of d = %d after a batch repeating one photo, want 1", sum.Faves)
	}
}

// faveIDs lists the faves of user "u", newest first.
func faveIDs(t *testing.T, s graph.Store) []string {
	t.Helper()
	// CommonFaves of a user with itself lists the user's faves.
	ph, err := s.CommonFaves(ctx(), "u", "u", graph.MaxLimit)
	mustDo(t, err)
	out := []string{}
	for _, p := range ph {
		out = append(out, p.ID)
	}
	return out
}

func (su suite) testPullRemovals(t *testing.T) {
	s := su.open(t)
	favedAt := map[string]time.Time{"p1": at(100), "p2": at(101), "p3": at(102), "p4": at(103)}
	batch := func(pull string, sec int, photos ...string) graph.FavesBatch {
		b := graph.FavesBatch{User: "u", PullID: pull, At: at(sec)}
		for _, id := range photos {
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(id, "o"), FavedAt: favedAt[id]})
		}
		return b
	}
	// Full pull 1 in two batches: p1 p2 p3.
	mustDo(t, s.AddFaves(ctx(), batch("full-1", 10, "p1", "p2")))
	mustDo(t, s.AddFaves(ctx(), batch("full-1", 11, "p3")))
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-1", Kind: graph.PullFull, At: at(12)}))
	if diff := cmp.Diff([]string{"p3", "p2", "p1"}, faveIDs(t, s)); diff != "" {
		t.Errorf("after full pull 1 (-want +got):\n%s", diff)
	}
	ps, err := s.PullState(ctx(), "u")
	mustDo(t, err)
	if diff := cmp.Diff(graph.PullState{LastPullAt: at(12), LastFullPullAt: at(12), NewestFaveAt: at(102)}, ps); diff != "" {
		t.Errorf("pull state after full pull 1 (-want +got):\n%s", diff)
	}

	// Incremental pull: p4 only; nothing is removed.
	mustDo(t, s.AddFaves(ctx(), batch("inc-1", 20, "p4")))
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "inc-1", Kind: graph.PullIncremental, At: at(21)}))
	if got := faveIDs(t, s); len(got) != 4 {
		t.Errorf("after incremental pull: faves %v, want p1..p4", got)
	}
	ps, err = s.PullState(ctx(), "u")
	mustDo(t, err)
	if diff := cmp.Diff(graph.PullState{LastPullAt: at(21), LastFullPullAt: at(12), NewestFaveAt: at(103)}, ps); diff != "" {
		t.Errorf("pull state after incremental pull (-want +got):\n%s", diff)
	}

	// Full pull 2 sees p1 and p4 only: p2 and p3 are removed, twice finishing changes nothing.
	mustDo(t, s.AddFaves(ctx(), batch("full-2", 30, "p1", "p4")))
	for i := 0; i < 2; i++ {
		mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-2", Kind: graph.PullFull, At: at(31)}))
		if diff := cmp.Diff([]string{"p4", "p1"}, faveIDs(t, s)); diff != "" {
			t.Errorf("after full pull 2, finish #%d (-want +got):\n%s", i+1, diff)
		}
	}
	ps, err = s.PullState(ctx(), "u")
	mustDo(t, err)
	if diff := cmp.Diff(graph.PullState{LastPullAt: at(31), LastFullPullAt: at(31), NewestFaveAt: at(103)}, ps); diff != "" {
		t.Errorf("pull state after full pull 2 (-want +got):\n%s", diff)
	}
	// Removed edges leave the photos in place.
	if _, err := s.Photo(ctx(), "p2"); err != nil {
		t.Errorf("Photo(p2) after its fave was removed: %v", err)
	}
	if st := stats(t, s); st.Faves != 2 || st.Photos != 4 {
		t.Errorf("stats = %+v, want 2 faves, 4 photos", st)
	}

	// A full pull that saw nothing removes every fave.
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "full-3", Kind: graph.PullFull, At: at(40)}))
	if got := faveIDs(t, s); len(got) != 0 {
		t.Errorf("after an empty full pull: faves %v, want none", got)
	}
	ps, err = s.PullState(ctx(), "u")
	mustDo(t, err)
	if !ps.NewestFaveAt.IsZero() || !ps.LastFullPullAt.Equal(at(40)) {
		t.Errorf("pull state after an empty full pull = %+v", ps)
	}
}

func (su suite) testRemoveFave(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.RemoveFave(ctx(), "b", "px1"))
	mustDo(t, s.RemoveFave(ctx(), "b", "px1"))                // missing edge: not an error
	mustDo(t, s.RemoveFave(ctx(), "nobody", "no-such-photo")) // unknown user: not an error
	// b: total 4, common 2.
	scoreB4 := sc(2, 4)
	checkScores(t, "photos after b unfaved px1", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreB4}, {"pc2", scoreA},
	})
	// Unfaving one of u's own faves makes it a candidate again, and lowers b's common count:
	// b now has total 4, common 1 (pa2), so pa1 (faved by b) ranks below pc2 (a's).
	mustDo(t, s.RemoveFave(ctx(), "u", "pa1"))
	scoreB41 := sc(1, 4)
	checkScores(t, "photos after u unfaved pa1", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreB41}, {"pc2", scoreA}, {"pa1", scoreB41},
	})
}

func (su suite) testUnicode(t *testing.T) {
	s := su.open(t)
	users := []graph.User{
		{NSID: "1@N01", Username: "Zoë Ünïcødé", Realname: "山田 太郎", IconURL: "https://example.com/i.jpg"},
		{NSID: "2@N01", Username: "🦜 parrot", Realname: "O'Brien \"quoted\" \\ back"},
	}
	mustDo(t, s.UpsertUsers(ctx(), users))
	for _, want := range users {
		got, err := s.User(ctx(), want.NSID)
		mustDo(t, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("user round trip (-want +got):\n%s", diff)
		}
	}
	p := photo("9001", "1@N01")
	p.Title = "Ночь · 夜 · 🌙"
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "2@N01", At: t0, Faves: []graph.Fave{{Photo: p}}}))
	got, err := s.Photo(ctx(), "9001")
	mustDo(t, err)
	p.AddedAt = t0
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("photo round trip (-want +got):\n%s", diff)
	}
}

func (su suite) testUpsertKeeps(t *testing.T) {
	s := su.open(t)
	mustDo(t, s.UpsertUsers(ctx(), []graph.User{{NSID: "n", Username: "user", Realname: "Real", IconURL: "icon"}}))
	mustDo(t, s.UpsertUsers(ctx(), []graph.User{{NSID: "n", Realname: "New Real"}}))
	// Owners learned from a batch, and photo owners with no details, do not erase either.
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "v", At: t0,
		Faves:  []graph.Fave{{Photo: graph.Photo{ID: "1", Owner: "n"}}},
		Owners: []graph.User{{NSID: "n", IconURL: "icon2"}},
	}))
	got, err := s.User(ctx(), "n")
	mustDo(t, err)
	if diff := cmp.Diff(graph.User{NSID: "n", Username: "user", Realname: "New Real", IconURL: "icon2"}, got); diff != "" {
		t.Errorf("merged user (-want +got):\n%s", diff)
	}
	// Photos merge the same way: a later bare mention keeps title and URLs.
	full := photo("1", "n")
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "w", At: at(5), Faves: []graph.Fave{{Photo: full}}}))
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "x", At: at(9), Faves: []graph.Fave{{Photo: graph.Photo{ID: "1", Owner: "n"}}}}))
	gotP, err := s.Photo(ctx(), "1")
	mustDo(t, err)
	full.AddedAt = t0 // first seen in v's batch
	if diff := cmp.Diff(full, gotP); diff != "" {
		t.Errorf("merged photo (-want +got):\n%s", diff)
	}
}

func (su suite) testPagingTies(t *testing.T) {
	s := su.open(t)
	// u faves pa (by a) and pb (by b). a faves 30 photos by o, b faves 10 of them: the first
	// ten tie at a+b, the other twenty tie at a. IDs are numeric strings ordered as strings.
	f := fixture{
		owners: map[string]string{"pa": "a", "pb": "b"},
		faves:  map[string][]string{"u": {"pa", "pb"}, "a": {"pb"}, "b": {"pa"}},
	}
	for i := 0; i < 30; i++ {
		id := fmt.Sprint(7 + i*37)
		f.owners[id] = "o"
		f.faves["a"] = append(f.faves["a"], id)
		if i < 10 {
			f.faves["b"] = append(f.faves["b"], id)
		}
	}
	m := NewModel(graph.DefaultParams())
	load(t, s, m, f)
	want := m.RecommendPhotos("u", graph.Flexplore, graph.DefaultWhy)
	if len(want) != 30 {
		t.Fatalf("reference has %d photos, want 30", len(want))
	}
	full := ids(want)
	for _, limit := range []int{1, 2, 3, 7, 10, 29, 30, 31, 500} {
		got := allPhotos(t, s, "u", opts(limit))
		if diff := cmp.Diff(full, ids(got)); diff != "" {
			t.Errorf("pages of %d (-want +got):\n%s", limit, diff)
		}
		checkPhotos(t, fmt.Sprintf("pages of %d", limit), got, want)
	}
	// User ranking ties: many neighbors with identical scores.
	g := fixture{owners: map[string]string{}, faves: map[string][]string{}}
	for i := 0; i < 25; i++ {
		n := fmt.Sprintf("n%d", 25-i)
		pid := "q" + n
		g.owners[pid] = n
		g.faves["w"] = append(g.faves["w"], pid)
	}
	m2 := NewModel(graph.DefaultParams())
	load(t, s, m2, g)
	wantU := m2.RecommendUsers("w")
	for _, limit := range []int{1, 4, 25, 26} {
		got := allUsers(t, s, "w", opts(limit))
		if diff := cmp.Diff(nsids(wantU), nsids(got)); diff != "" {
			t.Errorf("user pages of %d (-want +got):\n%s", limit, diff)
		}
	}
}

func (su suite) testWhy(t *testing.T) {
	s := su.open(t)
	// Photo q is faved by five neighbors with distinct scores, and two exact ties.
	f := fixture{owners: map[string]string{"q": "z"}, faves: map[string][]string{}}
	for i, n := range []string{"n1", "n2", "n3", "n4", "n5", "n6"} {
		own := "own-" + n
		f.owners[own] = n
		f.faves["u"] = append(f.faves["u"], own)
		// n_i faves q plus, for i >= 1, i of u's faves (distinct overlaps); n5 and n6 tie.
		f.faves[n] = []string{"q"}
		k := i
		if n == "n6" {
			k = 4
		}
		for j := 0; j < k; j++ {
			f.faves[n] = append(f.faves[n], "own-n"+fmt.Sprint(j+1))
		}
	}
	m := NewModel(graph.DefaultParams())
	load(t, s, m, f)
	for _, why := range []int{0, 1, 2, 6, 50} {
		o := graph.RecOptions{Limit: 50, Why: why}
		w := why
		if w == 0 {
			w = graph.DefaultWhy
		}
		checkPhotos(t, fmt.Sprintf("why=%d", why), allPhotos(t, s, "u", o), m.RecommendPhotos("u", graph.Flexplore, w))
	}
	got := allPhotos(t, s, "u", graph.RecOptions{Limit: 50, Why: 50})
	if why := whyOf(got)["q"]; len(got) == 0 || len(why) != 5 || why[0].ID != "n5" || why[1].ID != "n6" || got[0].Reasons[0].Count != 5 {
		t.Errorf("why of q = %+v, want 5 contributors (n1 scores 0), n5 before n6 (tie)", got)
	}
}

func (su suite) testPopularity(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	pop := graph.RecOptions{Algorithm: graph.Popularity, Limit: 50}
	got := allPhotos(t, s, "u", pop)
	checkScores(t, "popularity for u", photoScores(got), []scored{{"pc1", 2}, {"pc2", 1}, {"px1", 1}})
	for _, r := range got {
		want := []graph.Reason{{Kind: graph.ReasonPopular, Count: int(r.Score)}}
		if diff := cmp.Diff(want, r.Reasons, cmpEmpty); diff != "" {
			t.Errorf("popularity: reasons of photo %s (-want +got):\n%s", r.Photo.ID, diff)
		}
	}
	// x faves nothing: popularity still recommends, minus x's own photo.
	checkScores(t, "popularity for x", photoScores(allPhotos(t, s, "x", pop)), []scored{
		{"pa1", 3}, {"pa2", 2}, {"pb1", 2}, {"pc1", 2}, {"pc2", 1}, {"pu1", 1},
	})
	mustDo(t, s.DismissPhoto(ctx(), "x", "pa2"))
	mustDo(t, s.DismissUser(ctx(), "x", "c"))
	checkScores(t, "popularity for x after dismissals", photoScores(allPhotos(t, s, "x", graph.RecOptions{Algorithm: graph.Popularity, Limit: 2})), []scored{
		{"pa1", 3}, {"pb1", 2}, {"pu1", 1},
	})
	// A photo nobody faves any more scores 0 and is not recommended.
	mustDo(t, s.RemoveFave(ctx(), "b", "pu1"))
	checkScores(t, "popularity for x after pu1 lost its fave", photoScores(allPhotos(t, s, "x", pop)), []scored{
		{"pa1", 3}, {"pb1", 2},
	})
	// User recs ignore the algorithm (b lost pu1: total 4).
	checkScores(t, "users under popularity", userScores(allUsers(t, s, "u", pop)), []scored{{"b", sc(2, 4)}, {"a", scoreA}})
}

func (su suite) testBadArguments(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	userPage, err := s.RecommendUsers(ctx(), "u", opts(1))
	mustDo(t, err)
	if userPage.NextCursor == "" {
		t.Fatal("RecommendUsers(u, limit 1) has no NextCursor")
	}
	long := strings.Repeat("9", graph.MaxIDLen+1)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"photos empty nsid", func() error { _, err := s.RecommendPhotos(ctx(), "", opts(10)); return err }, "nsid"},
		{"photos nsid with space", func() error { _, err := s.RecommendPhotos(ctx(), "a b", opts(10)); return err }, "nsid"},
		{"photos nsid too long", func() error { _, err := s.RecommendPhotos(ctx(), long, opts(10)); return err }, "nsid"},
		{"photos limit 0", func() error { _, err := s.RecommendPhotos(ctx(), "u", opts(0)); return err }, "limit"},
		{"photos limit -1", func() error { _, err := s.RecommendPhotos(ctx(), "u", opts(-1)); return err }, "limit"},
		{"photos limit 10000", func() error { _, err := s.RecommendPhotos(ctx(), "u", opts(10000)); return err }, "limit"},
		{"photos unknown cursor", func() error {
			_, err := s.RecommendPhotos(ctx(), "u", graph.RecOptions{Limit: 5, Cursor: "not-a-cursor"})
			return err
		}, "cursor"},
		{"photos cursor of user recs", func() error {
			_, err := s.RecommendPhotos(ctx(), "u", graph.RecOptions{Limit: 5, Cursor: userPage.NextCursor})
			return err
		}, "cursor"},
		{"photos unknown algorithm", func() error {
			_, err := s.RecommendPhotos(ctx(), "u", graph.RecOptions{Limit: 5, Algorithm: "magic"})
			return err
		}, "algorithm"},
		{"photos why -1", func() error {
			_, err := s.RecommendPhotos(ctx(), "u", graph.RecOptions{Limit: 5, Why: -1})
			return err
		}, "why"},
		{"users limit 0", func() error { _, err := s.RecommendUsers(ctx(), "u", opts(0)); return err }, "limit"},
		{"users limit 501", func() error { _, err := s.RecommendUsers(ctx(), "u", opts(501)); return err }, "limit"},
		{"users unknown cursor", func() error {
			_, err := s.RecommendUsers(ctx(), "u", graph.RecOptions{Limit: 5, Cursor: "AAAA"})
			return err
		}, "cursor"},
		{"neighbors limit 0", func() error { _, err := s.Neighbors(ctx(), "u", graph.ByTaken, 0); return err }, "limit"},
		{"neighbors bad order", func() error { _, err := s.Neighbors(ctx(), "u", graph.NeighborOrder(7), 5); return err }, "order"},
		{"common faves limit 10000", func() error { _, err := s.CommonFaves(ctx(), "u", "a", 10000); return err }, "limit"},
		{"common faves bad nsid", func() error { _, err := s.CommonFaves(ctx(), "u", "", 5); return err }, "nsid"},
		{"summary bad nsid", func() error { _, err := s.Summary(ctx(), "\x00"); return err }, "nsid"},
		{"user bad nsid", func() error { _, err := s.User(ctx(), ""); return err }, "nsid"},
		{"photo bad id", func() error { _, err := s.Photo(ctx(), ""); return err }, "photo_id"},
		{"add faves bad user", func() error { return s.AddFaves(ctx(), graph.FavesBatch{User: ""}) }, "nsid"},
		{"add faves bad photo", func() error {
			return s.AddFaves(ctx(), graph.FavesBatch{User: "u", Faves: []graph.Fave{{Photo: graph.Photo{ID: "", Owner: "a"}}}})
		}, "photo_id"},
		{"add faves bad owner", func() error {
			return s.AddFaves(ctx(), graph.FavesBatch{User: "u", Faves: []graph.Fave{{Photo: graph.Photo{ID: "1"}}}})
		}, "owner"},
		{"upsert bad nsid", func() error { return s.UpsertUsers(ctx(), []graph.User{{NSID: " "}}) }, "nsid"},
		{"finish pull bad kind", func() error {
			return s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "p", Kind: "sideways", At: t0})
		}, "kind"},
		{"due for refresh limit 0", func() error { _, err := s.DueForRefresh(ctx(), t0, 0); return err }, "limit"},
		{"dismiss bad photo", func() error { return s.DismissPhoto(ctx(), "u", "") }, "photo_id"},
		{"dismiss bad target", func() error { return s.DismissUser(ctx(), "u", "") }, "nsid"},
		{"put token bad nsid", func() error { return s.PutToken(ctx(), "", []byte("x")) }, "nsid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, c.name, c.call(), graph.ErrInvalidArgument, c.field)
		})
	}
	// Nothing was written by the rejected calls.
	if st := stats(t, s); st != (graph.Stats{Users: 5, Photos: 7, Faves: 12}) {
		t.Errorf("stats after rejected writes = %+v", st)
	}
}

func (su suite) testUnknown(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	cases := []struct {
		name string
		call func() error
	}{
		{"RecommendPhotos", func() error { _, err := s.RecommendPhotos(ctx(), "ghost", opts(5)); return err }},
		{"RecommendUsers", func() error { _, err := s.RecommendUsers(ctx(), "ghost", opts(5)); return err }},
		{"Summary", func() error { _, err := s.Summary(ctx(), "ghost"); return err }},
		{"Neighbors", func() error { _, err := s.Neighbors(ctx(), "ghost", graph.ByScore, 5); return err }},
		{"CommonFaves a", func() error { _, err := s.CommonFaves(ctx(), "ghost", "u", 5); return err }},
		{"CommonFaves b", func() error { _, err := s.CommonFaves(ctx(), "u", "ghost", 5); return err }},
		{"User", func() error { _, err := s.User(ctx(), "ghost"); return err }},
		{"Photo", func() error { _, err := s.Photo(ctx(), "404"); return err }},
		{"Token", func() error { _, err := s.Token(ctx(), "u"); return err }},
	}
	for _, c := range cases {
		wantErr(t, c.name, c.call(), graph.ErrNotFound, "")
	}
	ps, err := s.PullState(ctx(), "ghost")
	if err != nil || ps != (graph.PullState{}) {
		t.Errorf("PullState(ghost) = %+v, %v; want zero, nil", ps, err)
	}
	if _, err := s.User(ctx(), "ghost"); err == nil {
		t.Errorf("PullState created the user")
	}
}

func (su suite) testTokens(t *testing.T) {
	s := su.open(t)
	sealed := []byte{0, 1, 2, 0xff, 'x'}
	mustDo(t, s.PutToken(ctx(), "tok", sealed))
	sealed[0] = 9 // the store keeps its own copy
	got, err := s.Token(ctx(), "tok")
	mustDo(t, err)
	if !bytes.Equal(got, []byte{0, 1, 2, 0xff, 'x'}) {
		t.Errorf("Token = %v", got)
	}
	mustDo(t, s.PutToken(ctx(), "tok", []byte("second")))
	got, err = s.Token(ctx(), "tok")
	mustDo(t, err)
	if string(got) != "second" {
		t.Errorf("Token after overwrite = %q", got)
	}
	if _, err := s.User(ctx(), "tok"); err != nil {
		t.Errorf("PutToken did not create the user: %v", err)
	}
	mustDo(t, s.DeleteToken(ctx(), "tok"))
	mustDo(t, s.DeleteToken(ctx(), "tok"))
	mustDo(t, s.DeleteToken(ctx(), "never-had-one"))
	_, err = s.Token(ctx(), "tok")
	wantErr(t, "Token after delete", err, graph.ErrNotFound, "")
}

func (su suite) testMarkVisit(t *testing.T) {
	s := su.open(t)
	mustDo(t, s.UpsertUsers(ctx(), []graph.User{{NSID: "v"}}))
	prev, err := s.MarkVisit(ctx(), "v", at(10))
	mustDo(t, err)
	if !prev.IsZero() {
		t.Errorf("first MarkVisit returned %v, want zero", prev)
	}
	prev, err = s.MarkVisit(ctx(), "v", at(20))
	mustDo(t, err)
	if !prev.Equal(at(10)) {
		t.Errorf("second MarkVisit returned %v, want %v", prev, at(10))
	}
	prev, err = s.MarkVisit(ctx(), "v", at(30))
	mustDo(t, err)
	if !prev.Equal(at(20)) {
		t.Errorf("third MarkVisit returned %v, want %v", prev, at(20))
	}
	other, err := s.MarkVisit(ctx(), "w", at(5))
	mustDo(t, err)
	if !other.IsZero() {
		t.Errorf("MarkVisit of another user returned %v, want zero", other)
	}
}

func (su suite) testDueForRefresh(t *testing.T) {
	s := su.open(t)
	pull := func(u string, sec int) {
		t.Helper()
		mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: u, PullID: "p-" + u, At: at(sec),
			Faves: []graph.Fave{{Photo: photo("ph-"+u, "o")}}}))
		mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: u, PullID: "p-" + u, Kind: graph.PullIncremental, At: at(sec)}))
	}
	for _, u := range []string{"r-old", "r-never2", "r-new", "r-never1", "r-mid"} {
		mustDo(t, s.Register(ctx(), u))
	}
	mustDo(t, s.Register(ctx(), "r-old")) // idempotent
	pull("r-old", 10)
	pull("r-mid", 20)
	pull("r-new", 100)
	pull("unregistered", 1)
	cases := []struct {
		older time.Time
		limit int
		want  []string
	}{
		{at(50), 10, []string{"r-never1", "r-never2", "r-old", "r-mid"}},
		{at(50), 3, []string{"r-never1", "r-never2", "r-old"}},
		{at(10), 10, []string{"r-never1", "r-never2"}},
		{at(101), 10, []string{"r-never1", "r-never2", "r-old", "r-mid", "r-new"}},
	}
	for _, c := range cases {
		got, err := s.DueForRefresh(ctx(), c.older, c.limit)
		mustDo(t, err)
		if diff := cmp.Diff(c.want, got, cmpEmpty); diff != "" {
			t.Errorf("DueForRefresh(%v, %d) (-want +got):\n%s", c.older.Sub(t0), c.limit, diff)
		}
	}
	ps, err := s.PullState(ctx(), "r-old")
	mustDo(t, err)
	if !ps.Registered {
		t.Errorf("PullState(r-old).Registered = false")
	}
}

func (su suite) testNeighbors(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "b", PullID: "load-b", Kind: graph.PullIncremental, At: at(77)}))
	byTaken, err := s.Neighbors(ctx(), "u", graph.ByTaken, 10)
	mustDo(t, err)
	want := []graph.Neighbor{
		{User: graph.User{NSID: "a"}, Taken: 2, Common: 1, Total: 3, Score: scoreA},
		{User: graph.User{NSID: "b"}, Taken: 1, Common: 2, Total: 5, Score: scoreB, PulledAt: at(77)},
	}
	if diff := cmp.Diff(want, byTaken, handApprox); diff != "" {
		t.Errorf("ByTaken (-want +got):\n%s", diff)
	}
	byScore, err := s.Neighbors(ctx(), "u", graph.ByScore, 10)
	mustDo(t, err)
	if diff := cmp.Diff([]graph.Neighbor{want[1], want[0]}, byScore, handApprox); diff != "" {
		t.Errorf("ByScore (-want +got):\n%s", diff)
	}
	one, err := s.Neighbors(ctx(), "u", graph.ByScore, 1)
	mustDo(t, err)
	if len(one) != 1 || one[0].User.NSID != "b" {
		t.Errorf("ByScore limit 1 = %+v, want b", one)
	}
}

func (su suite) testCommonFaves(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	// u faved pa1 at 1, pa2 at 2, pb1 at 3; b faves pa1 pa2.
	got, err := s.CommonFaves(ctx(), "u", "b", 10)
	mustDo(t, err)
	want := []graph.Photo{photo("pa2", "a"), photo("pa1", "a")}
	for i := range want {
		want[i].AddedAt = t0
	}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("CommonFaves(u, b) (-want +got):\n%s", diff)
	}
	got, err = s.CommonFaves(ctx(), "u", "b", 1)
	mustDo(t, err)
	if len(got) != 1 || got[0].ID != "pa2" {
		t.Errorf("CommonFaves(u, b, 1) = %+v, want pa2", got)
	}
	got, err = s.CommonFaves(ctx(), "u", "x", 10)
	mustDo(t, err)
	if len(got) != 0 {
		t.Errorf("CommonFaves(u, x) = %+v, want none", got)
	}
	// Ties in fave time go by photo ID.
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "t1", At: t0, Faves: []graph.Fave{
		{Photo: photo("z2", "o"), FavedAt: at(5)}, {Photo: photo("z1", "o"), FavedAt: at(5)}, {Photo: photo("z3", "o")},
	}}))
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "t2", At: t0, Faves: []graph.Fave{
		{Photo: photo("z1", "o")}, {Photo: photo("z2", "o")}, {Photo: photo("z3", "o")},
	}}))
	got, err = s.CommonFaves(ctx(), "t1", "t2", 10)
	mustDo(t, err)
	var gotIDs []string
	for _, p := range got {
		gotIDs = append(gotIDs, p.ID)
	}
	if diff := cmp.Diff([]string{"z1", "z2", "z3"}, gotIDs); diff != "" {
		t.Errorf("CommonFaves ties (unknown time last) (-want +got):\n%s", diff)
	}
}

func (su suite) testSummary(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.UpsertUsers(ctx(), []graph.User{{NSID: "u", Username: "you"}}))
	mustDo(t, s.SetContacts(ctx(), "u", []graph.User{{NSID: "a"}, {NSID: "k"}}))
	mustDo(t, s.DismissPhoto(ctx(), "u", "px1"))
	mustDo(t, s.DismissUser(ctx(), "u", "c"))
	mustDo(t, s.DismissUser(ctx(), "u", "c"))
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "a", PullID: "load-a", Kind: graph.PullFull, At: at(50)}))
	mustDo(t, s.FinishPull(ctx(), graph.PullDone{User: "u", PullID: "load-u", Kind: graph.PullFull, At: at(60)}))
	mustDo(t, s.Register(ctx(), "u"))
	got, err := s.Summary(ctx(), "u")
	mustDo(t, err)
	want := graph.Summary{
		User:       graph.User{NSID: "u", Username: "you"},
		Faves:      3,
		Neighbors:  2,
		Pulled:     1,
		Contacts:   2,
		Pull:       graph.PullState{LastPullAt: at(60), LastFullPullAt: at(60), NewestFaveAt: at(3), Registered: true},
		Dismissals: 2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summary(u) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(graph.Stats{Users: 6, Photos: 7, Faves: 12, Follows: 2}, stats(t, s)); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	mustDo(t, s.Ping(ctx()))
}
