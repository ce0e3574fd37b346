package rank

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

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
