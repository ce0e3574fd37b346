package graphtest

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/photorec/photorec/graph"
)

// rankedAlgorithms are the algorithms RunAlgorithms checks against the reference on random
// graphs: every algorithm of the registry but Flexplore and Popularity, which Run checks.
var rankedAlgorithms = func() []graph.Algorithm {
	var out []graph.Algorithm
	for _, a := range graph.AlgorithmList {
		if a.Name != graph.Flexplore && a.Name != graph.Popularity {
			out = append(out, a.Name)
		}
	}
	return out
}()

// RunAlgorithms checks a backend's other algorithms of graph/algorithms.go, their reasons and
// SimilarPhotos against hand-computed scores and the brute-force reference. open is as for Run.
func RunAlgorithms(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Helper()
	t.Run("HandComputed", func(t *testing.T) { testAlgorithmsHand(t, open(t)) })
	t.Run("Dismissals", func(t *testing.T) { testAlgorithmsDismissed(t, open(t)) })
	t.Run("RecommendUsersAcceptsEvery", func(t *testing.T) { testAlgorithmsUsers(t, open(t)) })
	t.Run("TasteHandComputed", func(t *testing.T) { testTasteHand(t, open(t)) })
	t.Run("SimilarHandComputed", func(t *testing.T) { testSimilarHand(t, open(t)) })
	for _, c := range randomSeeds {
		t.Run(fmt.Sprintf("RandomGraphs/seed=%d", c.seed), func(t *testing.T) {
			s := open(t)
			m := randomWorld(t, s, c.seed, c.users, c.photos)
			for _, algo := range rankedAlgorithms {
				for _, u := range sortedUsers(m) {
					checkPhotos(t, string(algo)+" photos of "+u,
						allPhotos(t, s, u, graph.RecOptions{Algorithm: algo, Limit: c.pageSize}),
						m.RecommendPhotos(u, algo, graph.DefaultWhy))
				}
			}
			viewers := append([]string{""}, sortedUsers(m)...)
			for i, p := range sortedPhotos(m) {
				v := viewers[i%len(viewers)]
				checkPhotos(t, "photos like "+p+" for "+v, allSimilar(t, s, p, v, c.pageSize), m.SimilarPhotos(p, v, graph.DefaultWhy))
			}
		})
	}
}

// allSimilar pages through SimilarPhotos; see allPhotos.
func allSimilar(t *testing.T, s graph.Store, photoID, viewer string, limit int) []graph.PhotoRec {
	t.Helper()
	return allPages(t, "SimilarPhotos", photoID+" for "+viewer, graph.RecOptions{Limit: limit}, func(o graph.RecOptions) ([]graph.PhotoRec, string, error) {
		page, err := s.SimilarPhotos(ctx(), photoID, viewer, o)
		return page.Items, page.NextCursor, err
	})
}

// sortedPhotos lists m's photos by ID.
func sortedPhotos(m *Model) []string {
	out := make([]string, 0, len(m.Photos))
	for p := range m.Photos {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// walk is a world small enough to compute every algorithm by hand:
//
//	u faves p1 (by a) and p2 (by b); a faves p2 and p4; b faves p1, p3 and p4.
//	deg: p1 2 (u, b), p2 2 (u, a), p3 1 (b), p4 2 (a, b). u may be recommended p3 and p4.
//	Flexplore: a has common 1 of total 2, b common 1 of total 3.
var walk = fixture{
	owners: map[string]string{"p1": "a", "p2": "b", "p3": "a", "p4": "b"},
	faves: map[string][]string{
		"u": {"p1", "p2"},
		"a": {"p2", "p4"},
		"b": {"p1", "p3", "p4"},
	},
}

// The default walk constants, and math.Pow for short.
var (
	alpha = graph.DefaultParams().Walk.Alpha
	beta  = graph.DefaultParams().Walk.Beta
	pw    = math.Pow
)

// Hand-computed scores of the walk world.
var (
	walkA = 150 * math.Sqrt(1.0/252) // Flexplore score of a
	walkB = 150 * math.Sqrt(1.0/253) // Flexplore score of b
	// ItemKNN: p3 = co(p1,p3)/sqrt(2*1) = 1/sqrt 2; p4 = co(p1,p4)/2 + co(p2,p4)/2 = 1/2 + 1/2.
	knnP3, knnP4 = 1 / math.Sqrt2, 1.0
	// RP3Beta under the default constants (alpha, beta): p3 = (p1 -> b -> p3: 2^-alpha 3^-alpha)
	// / 1^beta; p4 = (p1 -> b: 2^-alpha 3^-alpha, p2 -> a: 2^-alpha 2^-alpha) / 2^beta.
	rp3P3 = pw(2*3, -alpha)
	rp3P4 = (pw(2*3, -alpha) + pw(2*2, -alpha)) / pw(2, beta)
	// The same walk under Blend's legacy constants (alpha 1, beta 0.5).
	legacyP3, legacyP4 = 1.0 / 6, (1.0/6 + 1.0/4) / math.Sqrt2
	// Blend: p4 has both maxima; p3 mixes its Flexplore and walk shares by BlendWeight.
	blendP3 = graph.BlendWeight*walkB/(walkA+walkB) + (1-graph.BlendWeight)*legacyP3/legacyP4
	blendP4 = 1.0
)

func testAlgorithmsHand(t *testing.T, s graph.Store) {
	t.Helper()
	load(t, s, nil, walk)
	tests := []struct {
		algo graph.Algorithm
		want []scored
	}{
		{graph.ItemKNN, []scored{{"p4", knnP4}, {"p3", knnP3}}},
		{graph.RP3Beta, []scored{{"p4", rp3P4}, {"p3", rp3P3}}},
		{graph.Blend, []scored{{"p4", blendP4}, {"p3", blendP3}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.algo), func(t *testing.T) {
			got := allPhotos(t, s, "u", graph.RecOptions{Algorithm: tt.algo, Limit: 1})
			checkScores(t, string(tt.algo)+" for u", photoScores(got), tt.want)
			// The walk reached p4 through a and b (one fave in common with u each), p3 through b.
			checkPeople(t, got, graph.ReasonCoFavers, map[string][]scored{"p4": {{"a", 1}, {"b", 1}}, "p3": {{"b", 1}}})
			if tt.algo == graph.Blend { // and Blend's Flexplore term: p4 was faved by a and b, p3 by b
				checkPeople(t, got, graph.ReasonNeighbors, map[string][]scored{"p4": {{"a", walkA}, {"b", walkB}}, "p3": {{"b", walkB}}})
			}
		})
	}
}

// checkPeople checks the people of every photo's reason of kind.
func checkPeople(t *testing.T, got []graph.PhotoRec, kind graph.ReasonKind, want map[string][]scored) {
	t.Helper()
	for id, w := range peopleOf(got, kind) {
		checkScores(t, string(kind)+" of "+id, w, want[id])
	}
}

func testAlgorithmsDismissed(t *testing.T, s graph.Store) {
	t.Helper()
	load(t, s, nil, walk)
	mustDo(t, s.DismissPhoto(ctx(), "u", "p4"))
	// p4 is excluded, and it cancels the one common fave of a and of b: Flexplore scores are 0,
	// so Blend keeps only its RP3Beta share, where p3 is now the maximum.
	for algo, want := range map[graph.Algorithm][]scored{
		graph.ItemKNN: {{"p3", knnP3}},
		graph.RP3Beta: {{"p3", rp3P3}},
		graph.Blend:   {{"p3", 1 - graph.BlendWeight}},
	} {
		got := allPhotos(t, s, "u", graph.RecOptions{Algorithm: algo, Limit: 5})
		checkScores(t, string(algo)+" after dismissing p4", photoScores(got), want)
		checkPeople(t, got, graph.ReasonNeighbors, nil)
	}
	mustDo(t, s.DismissUser(ctx(), "u", "a"))
	for _, algo := range rankedAlgorithms {
		if got := allPhotos(t, s, "u", graph.RecOptions{Algorithm: algo, Limit: 5}); len(got) != 0 {
			t.Errorf("%s after dismissing p4 and a (owner of p3): %v, want nothing", algo, photoScores(got))
		}
	}
}

func testAlgorithmsUsers(t *testing.T, s graph.Store) {
	t.Helper()
	load(t, s, nil, walk)
	want := allUsers(t, s, "u", graph.RecOptions{Algorithm: graph.Flexplore, Limit: 5})
	for _, algo := range rankedAlgorithms {
		got := allUsers(t, s, "u", graph.RecOptions{Algorithm: algo, Limit: 5})
		checkRanking(t, "users under "+string(algo), userKeys(got), userKeys(want))
	}
}

// sortedUsers lists m's users by NSID.
func sortedUsers(m *Model) []string {
	users := make([]string, 0, len(m.Users))
	for u := range m.Users {
		users = append(users, u)
	}
	sort.Strings(users)
	return users
}
