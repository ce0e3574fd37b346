package graphtest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// taste is a world for owner affinity, follows and the walk at once:
//
//	u faves p1 and p2 (by a) and p3 (by b). a also took pa3, which nobody faves (AddPhotos).
//	b took pb2, which c and d fave. c faves p3, pb2 and pc (by d). d took pd1 (nobody faves it).
//	u follows c and d; d follows u back.
var taste = fixture{
	owners: map[string]string{"p1": "a", "p2": "a", "p3": "b", "pb2": "b", "pc": "d"},
	faves: map[string][]string{
		"u": {"p1", "p2", "p3"},
		"c": {"p3", "pb2", "pc"},
		"d": {"pb2"},
	},
}

// loadTaste loads taste into s and m (either may be nil): faves, unfaved photos, contacts.
func loadTaste(t *testing.T, s graph.Store, m *Model) {
	t.Helper()
	load(t, s, m, taste)
	for _, b := range []graph.PhotosBatch{
		{Owner: "a", At: at(5), Photos: []graph.Photo{photo("pa3", "a")}},
		{Owner: "d", At: at(5), Photos: []graph.Photo{photo("pd1", "d")}},
	} {
		if s != nil {
			mustDo(t, s.AddPhotos(ctx(), b))
		}
		if m != nil {
			m.AddPhotos(b)
		}
	}
	for u, cs := range map[string][]graph.User{"u": {{NSID: "c"}, {NSID: "d"}}, "d": {{NSID: "u"}}} {
		if s != nil {
			mustDo(t, s.SetContacts(ctx(), u, cs))
		}
		if m != nil {
			m.SetContacts(u, cs)
		}
	}
}

func testTasteHand(t *testing.T, s graph.Store) {
	t.Helper()
	m := NewModel(graph.DefaultParams())
	loadTaste(t, s, m)
	hp := graph.DefaultParams().Hybrid
	// Owner affinity: 2 of u's 3 faves are by a (who took 3 photos), 1 by b (who took 2).
	ownA := pw(2.0/3, hp.OwnerShareExp) * pw(3, hp.OwnerCountExp)
	ownB := pw(1.0/3, hp.OwnerShareExp) * pw(2, hp.OwnerCountExp)
	// The walk: only c shares a fave with u (p3, faved by u and c); c's other faves are pb2
	// (2 favers) and pc (1).
	step := pw(2, -alpha) * pw(3, -alpha)
	walkPB2, walkPC := step/pw(2, beta), step
	// Follows: d follows u back (m = 2), c does not (m = 1). pb2 is faved by c and d (3), pc by
	// c (1); pc and pd1 are d's.
	hybridPB2 := walkPB2/walkPC + ownB/ownA + hp.ContactFaves*3/3
	hybridPC := 1 + hp.FollowPhotos*2/2 + hp.ContactFaves*1/3
	tests := []struct {
		algo  graph.Algorithm
		want  []scored
		kinds map[string][]graph.ReasonKind
	}{
		{graph.Hybrid, []scored{{"pb2", hybridPB2}, {"pc", hybridPC}, {"pa3", 1}, {"pd1", hp.FollowPhotos}},
			map[string][]graph.ReasonKind{
				"pb2": {graph.ReasonOwnerFaved, graph.ReasonCoFavers, graph.ReasonContactsFaved},
				"pc":  {graph.ReasonCoFavers, graph.ReasonOwnerFollowed, graph.ReasonContactsFaved},
				"pa3": {graph.ReasonOwnerFaved},
				"pd1": {graph.ReasonOwnerFollowed},
			}},
		{graph.Owners, []scored{{"pa3", ownA}, {"pb2", ownB}},
			map[string][]graph.ReasonKind{"pa3": {graph.ReasonOwnerFaved}, "pb2": {graph.ReasonOwnerFaved}}},
		{graph.Follows, []scored{{"pc", hp.FollowPhotos + hp.ContactFaves/3}, {"pb2", hp.ContactFaves}, {"pd1", hp.FollowPhotos}},
			map[string][]graph.ReasonKind{
				"pc":  {graph.ReasonOwnerFollowed, graph.ReasonContactsFaved},
				"pb2": {graph.ReasonContactsFaved},
				"pd1": {graph.ReasonOwnerFollowed},
			}},
	}
	for _, tt := range tests {
		t.Run(string(tt.algo), func(t *testing.T) {
			got := allPhotos(t, s, "u", graph.RecOptions{Algorithm: tt.algo, Limit: 2})
			checkScores(t, string(tt.algo)+" for u", photoScores(got), tt.want)
			if diff := cmp.Diff(tt.kinds, kindsOf(got)); diff != "" {
				t.Errorf("reason kinds (-want +got):\n%s", diff)
			}
			checkPhotos(t, string(tt.algo)+" against the reference", got, m.RecommendPhotos("u", tt.algo, graph.DefaultWhy))
		})
	}
	// The reasons' numbers and people, under Hybrid.
	got := allPhotos(t, s, "u", graph.RecOptions{Algorithm: graph.Hybrid, Limit: 10, Why: 5})
	want := map[string][]reasonSummary{
		"pb2": {{graph.ReasonOwnerFaved, 1, []string{"b"}}, {graph.ReasonCoFavers, 1, []string{"c"}}, {graph.ReasonContactsFaved, 2, []string{"d", "c"}}},
		"pc":  {{graph.ReasonCoFavers, 1, []string{"c"}}, {graph.ReasonOwnerFollowed, 1, []string{"d"}}, {graph.ReasonContactsFaved, 1, []string{"c"}}},
		"pa3": {{graph.ReasonOwnerFaved, 2, []string{"a"}}},
		"pd1": {{graph.ReasonOwnerFollowed, 1, []string{"d"}}},
	}
	if diff := cmp.Diff(want, summarize(got)); diff != "" {
		t.Errorf("hybrid reasons (-want +got):\n%s", diff)
	}
}

// reasonSummary is a reason's kind, number and people's NSIDs.
type reasonSummary struct {
	Kind   graph.ReasonKind
	Count  int
	People []string
}

func summarize(recs []graph.PhotoRec) map[string][]reasonSummary {
	out := map[string][]reasonSummary{}
	for _, r := range recs {
		for _, rs := range r.Reasons {
			s := reasonSummary{Kind: rs.Kind, Count: rs.Count}
			for _, c := range rs.Users {
				s.People = append(s.People, c.User.NSID)
			}
			out[r.Photo.ID] = append(out[r.Photo.ID], s)
		}
	}
	return out
}

func testSimilarHand(t *testing.T, s graph.Store) {
	t.Helper()
	m := NewModel(graph.DefaultParams())
	loadTaste(t, s, m)
	// From p3 (faved by u and c): u's other faves p1 and p2 and c's pb2 and pc, each walk
	// weighing 3^-alpha (both fave 3 photos), then the popularity penalty (pb2 has 2 favers).
	w := pw(3, -alpha)
	tests := []struct {
		viewer string
		want   []scored
		people map[string][]scored
	}{
		{"", []scored{{"p1", w}, {"p2", w}, {"pc", w}, {"pb2", w / pw(2, beta)}},
			map[string][]scored{"p1": {{"u", 0}}, "p2": {{"u", 0}}, "pc": {{"c", 0}}, "pb2": {{"c", 0}}}},
		// For u: u's own faves are out, and u is no walk; c shares p3 with u.
		{"u", []scored{{"pc", w}, {"pb2", w / pw(2, beta)}},
			map[string][]scored{"pc": {{"c", 1}}, "pb2": {{"c", 1}}}},
	}
	for _, tt := range tests {
		got := allSimilar(t, s, "p3", tt.viewer, 1)
		checkScores(t, "photos like p3 for "+tt.viewer, photoScores(got), tt.want)
		checkPeople(t, got, graph.ReasonAlsoFaved, tt.people)
		checkPhotos(t, "photos like p3 against the reference", got, m.SimilarPhotos("p3", tt.viewer, graph.DefaultWhy))
	}
	_, err := s.SimilarPhotos(ctx(), "nope", "", opts(5))
	wantErr(t, "SimilarPhotos of an unknown photo", err, graph.ErrNotFound, "")
	_, err = s.SimilarPhotos(ctx(), "p3", "nobody", opts(5))
	wantErr(t, "SimilarPhotos for an unknown viewer", err, graph.ErrNotFound, "")
	_, err = s.SimilarPhotos(ctx(), "p3", "", opts(0))
	wantErr(t, "SimilarPhotos with limit 0", err, graph.ErrInvalidArgument, "limit")
}

// testAddPhotos checks AddPhotos: photos with an owner and no fave, the first owner wins, sizes
// round-trip, a batch twice is once, bad batches change nothing.
func (su suite) testAddPhotos(t *testing.T) {
	s := su.open(t)
	b := graph.PhotosBatch{Owner: "o", At: at(7), Photos: []graph.Photo{photo("x1", "o"), photo("x2", "o")}}
	mustDo(t, s.AddPhotos(ctx(), b))
	mustDo(t, s.AddPhotos(ctx(), b))
	want := photo("x1", "o")
	want.AddedAt = at(7)
	got, err := s.Photo(ctx(), "x1")
	mustDo(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("photo x1 (-want +got):\n%s", diff)
	}
	// Another owner later changes nothing of the ownership, by AddPhotos or by a fave.
	mustDo(t, s.AddPhotos(ctx(), graph.PhotosBatch{Owner: "z", At: at(9), Photos: []graph.Photo{photo("x1", "z")}}))
	mustDo(t, s.AddFaves(ctx(), graph.FavesBatch{User: "u", At: at(9), Faves: []graph.Fave{{Photo: photo("x2", "z")}}}))
	for _, id := range []string{"x1", "x2"} {
		if p, err := s.Photo(ctx(), id); err != nil || p.Owner != "o" {
			t.Errorf("owner of %s = %q (%v), want o (the first)", id, p.Owner, err)
		}
	}
	// u faved x2 (by o): o's other photo x1 is a candidate though nobody faves it.
	recs := allPhotos(t, s, "u", graph.RecOptions{Algorithm: graph.Owners, Limit: 5})
	if len(recs) != 1 || recs[0].Photo.ID != "x1" || recs[0].Owner.NSID != "o" {
		t.Errorf("owners for u = %v, want x1 by o", photoScores(recs))
	}
	st, err := s.Stats(ctx())
	mustDo(t, err)
	if st.Photos != 2 || st.Faves != 1 {
		t.Errorf("stats = %+v, want 2 photos, 1 fave", st)
	}
	for _, tc := range []struct {
		name  string
		b     graph.PhotosBatch
		field string
	}{
		{"empty owner", graph.PhotosBatch{Photos: []graph.Photo{photo("y", "")}}, "owner"},
		{"another owner in the batch", graph.PhotosBatch{Owner: "o", Photos: []graph.Photo{photo("y", "q")}}, "owner"},
		{"bad photo id", graph.PhotosBatch{Owner: "o", Photos: []graph.Photo{photo("", "o")}}, "photo_id"},
		{"size out of range", graph.PhotosBatch{Owner: "o", Photos: []graph.Photo{{ID: "y", Owner: "o", Width: 70000, Height: 1}}}, "size"},
	} {
		wantErr(t, "AddPhotos "+tc.name, s.AddPhotos(ctx(), tc.b), graph.ErrInvalidArgument, tc.field)
	}
	if _, err := s.Photo(ctx(), "y"); err == nil {
		t.Errorf("a refused batch stored photo y")
	}
}
