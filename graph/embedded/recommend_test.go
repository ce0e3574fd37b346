package embedded

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// TestNeighborCountsAgree checks that the two ways scoreNeighbors counts the favorites a user
// shares with each neighbor (and the dismissed photos each neighbor faved) give the same
// numbers, on random graphs with dismissals, including dismissed photos the user also faved.
func TestNeighborCountsAgree(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(4) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			s := openTest(t, t.TempDir())
			const users, photos = 40, 200
			nsid := func(i int) string { return "u" + strconv.Itoa(i) + "@N01" }
			owner := make([]string, photos)
			for p := range owner {
				owner[p] = nsid(r.IntN(users / 4)) // a few photographers own everything
			}
			at := time.Unix(1_700_000_000, 0)
			for u := range users {
				b := graph.FavesBatch{User: nsid(u), At: at}
				for range r.IntN(60) {
					p := r.IntN(photos)
					b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: strconv.Itoa(p), Owner: owner[p]}})
				}
				if err := s.AddFaves(ctx, b); err != nil {
					t.Fatal(err)
				}
				for range r.IntN(8) {
					if err := s.DismissPhoto(ctx, nsid(u), strconv.Itoa(r.IntN(photos))); err != nil {
						t.Fatal(err)
					}
				}
			}
			st := s.st
			counts := func(u uint32, viaFavers bool) []nbr {
				sc := s.getScratch(st)
				defer s.putScratch(sc)
				defer sc.unmark(st)
				sc.mark(st, u)
				sc.markNeighbors(st, u)
				if viaFavers {
					sc.countViaFavers(st, u)
				} else {
					sc.countViaNeighbors(st)
				}
				return append([]nbr(nil), sc.nbrs...)
			}
			compared := 0
			for u := range uint32(len(st.users)) {
				want, got := counts(u, false), counts(u, true)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(nbr{})); diff != "" {
					t.Errorf("user %s: neighbor counts via favers differ from via neighbors (-neighbors +favers):\n%s", st.users[u].nsid, diff)
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
