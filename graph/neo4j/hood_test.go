package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// memAdjacency is a whole graph in memory, served through the adjacency interface the way the
// Neo4j statements serve it: the test's stand-in for Neo4j.
type memAdjacency struct {
	owner                     map[string]string   // photo -> owner
	faved                     map[string][]string // user -> photos
	dphotos, dusers, contacts map[string][]string
	calls                     int
}

func (m *memAdjacency) degree(p string) int {
	n := 0
	for _, fs := range m.faved {
		if slices.Contains(fs, p) {
			n++
		}
	}
	return n
}

func (m *memAdjacency) ref(p string) photoRef {
	return photoRef{id: p, owner: m.owner[p], degree: m.degree(p)}
}

func (m *memAdjacency) member(_ context.Context, nsid string) (memberAdjacency, error) {
	m.calls++
	out := memberAdjacency{dismissedUsers: m.dusers[nsid], contacts: m.contacts[nsid]}
	for _, p := range m.dphotos[nsid] {
		out.dismissedPhotos = append(out.dismissedPhotos, m.ref(p))
	}
	for _, c := range m.contacts[nsid] {
		if slices.Contains(m.contacts[c], nsid) {
			out.followers = append(out.followers, c)
		}
	}
	return out, nil
}

func (m *memAdjacency) faves(_ context.Context, users []string) (map[string][]photoRef, error) {
	m.calls++
	out := map[string][]photoRef{}
	for _, u := range users {
		for _, p := range m.faved[u] {
			out[u] = append(out[u], m.ref(p))
		}
	}
	return out, nil
}

func (m *memAdjacency) favers(_ context.Context, photos []string) (map[string][]faver, error) {
	m.calls++
	out := map[string][]faver{}
	for u, fs := range m.faved {
		for _, p := range photos {
			if slices.Contains(fs, p) {
				out[p] = append(out[p], faver{nsid: u, faves: len(fs)})
			}
		}
	}
	return out, nil
}

func (m *memAdjacency) cofaverFaves(ctx context.Context, users []string) (map[string][]photoRef, error) {
	return m.faves(ctx, users)
}

func (m *memAdjacency) took(_ context.Context, users []string) (map[string][]photoRef, error) {
	m.calls++
	out := map[string][]photoRef{}
	for p, o := range m.owner {
		if slices.Contains(users, o) {
			out[o] = append(out[o], photoRef{id: p, degree: m.degree(p)})
		}
	}
	return out, nil
}

// whole is every node and edge of m as one hood: the reference the loaded hoods must rank like.
func (m *memAdjacency) whole() *hood {
	h := newHood()
	var users []string
	for u := range m.faved {
		users = append(users, u)
	}
	for p, o := range m.owner {
		h.photo(m.ref(p))
		users = append(users, o)
	}
	slices.Sort(users)
	for _, u := range slices.Compact(users) {
		x := h.user(u)
		var refs []photoRef
		for _, p := range m.faved[u] {
			refs = append(refs, m.ref(p))
		}
		h.faves[x] = h.photos(refs)
		h.contacts[x] = h.users(m.contacts[u])
		h.dusers[x] = h.users(m.dusers[u])
		var ds []photoRef
		for _, p := range m.dphotos[u] {
			ds = append(ds, m.ref(p))
		}
		h.dphotos[x] = h.photos(ds)
	}
	for p, o := range m.owner {
		x := h.uidx[o]
		h.took[x] = append(h.took[x], h.pidx[p])
	}
	h.linkFavers()
	return h
}

// randomAdjacency is a small random world: users fave, own, follow and dismiss at random.
func randomAdjacency(seed uint64) *memAdjacency {
	r := rand.New(rand.NewPCG(seed, 7))
	m := &memAdjacency{owner: map[string]string{}, faved: map[string][]string{},
		dphotos: map[string][]string{}, dusers: map[string][]string{}, contacts: map[string][]string{}}
	const users, photos = 40, 160
	nsid := func(i int) string { return fmt.Sprintf("%d@N0%d", 1000+i, i%3) }
	for p := range photos {
		m.owner[fmt.Sprint(5000+p)] = nsid(r.IntN(users))
	}
	for u := range users {
		me := nsid(u)
		for range r.IntN(25) {
			p := fmt.Sprint(5000 + int(float64(photos)*r.Float64()*r.Float64()))
			if m.owner[p] != me && !slices.Contains(m.faved[me], p) {
				m.faved[me] = append(m.faved[me], p)
			}
		}
		for range r.IntN(4) {
			if c := nsid(r.IntN(users)); c != me {
				m.contacts[me] = append(m.contacts[me], c)
			}
		}
		if r.IntN(3) == 0 {
			m.dphotos[me] = append(m.dphotos[me], fmt.Sprint(5000+r.IntN(photos)))
		}
		if r.IntN(4) == 0 {
			m.dusers[me] = append(m.dusers[me], nsid(r.IntN(users)))
		}
		slices.Sort(m.contacts[me])
		m.contacts[me] = slices.Compact(m.contacts[me])
	}
	return m
}

// keyed is a ranking item by keys, so rankings of two graphs compare.
type keyed struct {
	Photo   string
	Score   float64
	Reasons []keyedReason
}

type keyedReason struct {
	Kind  graph.ReasonKind
	Count int
	Users []string
}

// byPhoto indexes keyed items by photo: two graphs index photos differently, so sums may run in
// another order and scores equal up to rounding may swap places.
func byPhoto(items []keyed) map[string]keyed {
	out := map[string]keyed{}
	for _, k := range items {
		out[k.Photo] = k
	}
	return out
}

func keyedItems(g rank.Graph, items []rank.Item) []keyed {
	out := make([]keyed, 0, len(items))
	for _, it := range items {
		k := keyed{Photo: g.PhotoID(it.Photo), Score: it.Score}
		for _, r := range it.Reasons {
			kr := keyedReason{Kind: r.Kind, Count: r.Count}
			for _, p := range r.Users {
				kr.Users = append(kr.Users, g.NSID(p.User))
			}
			k.Reasons = append(k.Reasons, kr)
		}
		out = append(out, k)
	}
	return out
}

// TestHoodRanksLikeWholeGraph loads members' hoods through the adjacency interface and checks
// that every algorithm ranks over them exactly as over the whole graph: scores, order and
// reasons, and the same for "more like this".
func TestHoodRanksLikeWholeGraph(t *testing.T) {
	ctx := context.Background()
	params := graph.DefaultParams()
	params.Walk.Users = 5 // small enough that the walk's cut matters on these graphs
	r := rank.New(params)
	for seed := uint64(1); seed <= 4; seed++ {
		m := randomAdjacency(seed)
		whole := m.whole()
		for u := 0; u < 40; u += 3 {
			nsid := fmt.Sprintf("%d@N0%d", 1000+u, u%3)
			if _, ok := whole.uidx[nsid]; !ok {
				continue
			}
			for _, algo := range graph.AlgorithmNames() {
				if algo == graph.Popularity || algo == graph.Flexplore {
					continue // live statements: not served from a hood
				}
				q := rank.Query{Algorithm: algo, Limit: 200, Why: graph.MaxWhy}
				q.User = whole.uidx[nsid]
				want := keyedItems(whole, r.Photos(whole, q).Items)
				h, res, err := rankMember(ctx, m, r, nsid, q)
				if err != nil {
					t.Fatal(err)
				}
				got := keyedItems(h, res.Items)
				if diff := cmp.Diff(byPhoto(want), byPhoto(got), cmpopts.EquateApprox(1e-12, 0), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("seed %d, %s for %s: hood vs whole graph (-want +got):\n%s", seed, algo, nsid, diff)
				}
				if pl := planFor(algo, params); pl.walk && pl.keep > 0 {
					loaded := 0
					for _, fs := range h.faves {
						if len(fs) > 0 {
							loaded++
						}
					}
					if limit := 1 + pl.keep + strongestMargin(pl.keep) + 10; loaded > limit {
						t.Errorf("seed %d, %s for %s: faves of %d users loaded, want at most %d (the strongest co-favers)", seed, algo, nsid, loaded, limit)
					}
				}
			}
		}
		for p := range m.owner {
			if m.degree(p) < 2 {
				continue
			}
			for _, viewer := range []string{"", "1003@N00"} {
				h, s, v, err := loadSimilar(ctx, m, m.ref(p), viewer)
				if err != nil {
					t.Fatal(err)
				}
				q := rank.Query{User: v, Limit: 100, Why: graph.MaxWhy}
				got := keyedItems(h, r.Similar(h, s, q).Items)
				q.User = rank.None
				if viewer != "" {
					q.User = whole.uidx[viewer]
				}
				want := keyedItems(whole, r.Similar(whole, whole.pidx[p], q).Items)
				if diff := cmp.Diff(byPhoto(want), byPhoto(got), cmpopts.EquateApprox(1e-12, 0), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("seed %d, similar to %s for %q (-want +got):\n%s", seed, p, viewer, diff)
				}
			}
		}
	}
}
