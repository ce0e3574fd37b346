package rank

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
)

// TestNeighborCountsAgree checks that the two ways scoreNeighbors counts the favorites a user
// shares with each neighbor (and the dismissed photos each neighbor faved) give the same
// numbers, on random graphs with dismissals, including dismissed photos the user also faved.
func TestNeighborCountsAgree(t *testing.T) {
	r := New(graph.DefaultParams())
	for seed := range uint64(4) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rd := rand.New(rand.NewPCG(seed, 99))
			g := &memGraph{}
			const users, photos = 40, 200
			nsid := func(i int) string { return "u" + strconv.Itoa(i) + "@N01" }
			owner := make([]string, photos)
			for p := range owner {
				owner[p] = nsid(rd.IntN(users / 4)) // a few photographers own everything
			}
			for p := range photos {
				g.photoOf(strconv.Itoa(p), owner[p])
			}
			for u := range users {
				for range rd.IntN(60) {
					p := rd.IntN(photos)
					g.fave(nsid(u), strconv.Itoa(p), owner[p])
				}
				for range rd.IntN(8) {
					g.dismiss(nsid(u), uint32(rd.IntN(photos)))
				}
			}
			counts := func(u uint32, viaFavers bool) []nbr {
				sc := r.get(g)
				defer r.put(g, sc)
				sc.mark(g, u)
				sc.markNeighbors(g, u)
				if viaFavers {
					sc.countViaFavers(g, u)
				} else {
					sc.countViaNeighbors(g)
				}
				return append([]nbr(nil), sc.nbrs...)
			}
			compared := 0
			for u := range uint32(g.Users()) {
				want, got := counts(u, false), counts(u, true)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(nbr{})); diff != "" {
					t.Errorf("user %s: neighbor counts via favers differ from via neighbors (-neighbors +favers):\n%s", g.nsid[u], diff)
				}
				for _, n := range want {
					if n.dismissed > 0 {
						compared++
					}
				}
			}
			if compared == 0 {
				t.Fatal("no neighbor faved a dismissed photo: the graph does not test dismissed counts")
			}
		})
	}
}

// TestWalkKeepsStrongest checks Walk.Users: the walk goes on through the strongest co-favers
// only, ties broken by NSID.
func TestWalkKeepsStrongest(t *testing.T) {
	g := &memGraph{}
	// u faves p1 and p2. v1 faves p1, p3; v2 faves p1, p2, p4; v3 faves p2, p5. deg(p1) =
	// deg(p2) = 3. With alpha 1: w(v1) = 1/3 * 1/2, w(v2) = (1/3 + 1/3) * 1/3, w(v3) = 1/6.
	for _, f := range [][3]string{
		{"u", "p1", "o"}, {"u", "p2", "o"}, {"v1", "p1", "o"}, {"v1", "p3", "o"},
		{"v2", "p1", "o"}, {"v2", "p2", "o"}, {"v2", "p4", "o"}, {"v3", "p2", "o"}, {"v3", "p5", "o"},
	} {
		g.fave(f[0], f[1], f[2])
	}
	tests := []struct {
		keep int
		want map[string]float64
	}{
		{0, map[string]float64{"p4": 2.0 / 9, "p3": 1.0 / 6, "p5": 1.0 / 6}},
		{3, map[string]float64{"p4": 2.0 / 9, "p3": 1.0 / 6, "p5": 1.0 / 6}},
		{2, map[string]float64{"p4": 2.0 / 9, "p3": 1.0 / 6}}, // v1 and v3 tie: v1 first
		{1, map[string]float64{"p4": 2.0 / 9}},
	}
	for _, tt := range tests {
		p := graph.DefaultParams()
		p.Walk = graph.WalkParams{Alpha: 1, Beta: 0, Users: tt.keep}
		res := New(p).Photos(g, Query{User: g.user("u"), Algorithm: graph.RP3Beta, Limit: 10, Why: 3})
		got := map[string]float64{}
		for _, it := range res.Items {
			got[g.PhotoID(it.Photo)] = it.Score
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("keep %d (-want +got):\n%s", tt.keep, diff)
		}
	}
}

func TestNthLargest(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		n := 1 + r.IntN(50)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(r.IntN(10)) // many ties
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		slices.Reverse(sorted)
		k := 1 + r.IntN(n)
		if got := nthLargest(slices.Clone(xs), k); got != sorted[k-1] {
			t.Fatalf("nthLargest(%v, %d) = %v, want %v", xs, k, got, sorted[k-1])
		}
	}
}
