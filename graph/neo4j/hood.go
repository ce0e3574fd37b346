package neo4j

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// A hood is the part of the graph one member's ranking under one algorithm reads (rank.Graph
// over a loaded neighborhood), as its plan says: the member's faves, dismissals and contacts;
// the favers of the member's faved and dismissed photos, each with its fave count; the faves of
// the co-favers the walk goes on through, and of the neighbors and contacts where the algorithm
// reads them; the photos of the neighbors and contacts; and for every photo its owner and its
// whole degree (Photo.faves). The favers of a photo are complete for the member's faves and
// dismissed photos (and, after rankMember's second pass, for the ranked photos); elsewhere they
// hold the loaded users, which are all the users a score reads. Degree and FaveCount are whole
// numbers, as rank.Graph and rank.FaveCounter ask.
type hood struct {
	nsids    []string
	uidx     map[string]uint32
	count    []int // the user's whole fave count; -1 when not known (then len(faves))
	ids      []string
	pidx     map[string]uint32
	owner    []uint32
	degree   []int
	complete []bool     // favers holds every faver of the photo
	faves    [][]uint32 // sorted; nil for users not loaded
	favers   [][]uint32
	took     [][]uint32
	contacts [][]uint32 // sorted
	dphotos  [][]uint32 // sorted
	dusers   [][]uint32 // sorted
}

var (
	_ rank.Graph       = (*hood)(nil)
	_ rank.FaveCounter = (*hood)(nil)
)

func newHood() *hood {
	return &hood{uidx: map[string]uint32{}, pidx: map[string]uint32{}}
}

func (h *hood) Users() int                        { return len(h.nsids) }
func (h *hood) Photos() int                       { return len(h.ids) }
func (h *hood) Faves(u uint32) []uint32           { return h.faves[u] }
func (h *hood) Favers(p uint32) []uint32          { return h.favers[p] }
func (h *hood) Degree(p uint32) int               { return h.degree[p] }
func (h *hood) Owner(p uint32) uint32             { return h.owner[p] }
func (h *hood) Took(u uint32) []uint32            { return h.took[u] }
func (h *hood) Contacts(u uint32) []uint32        { return h.contacts[u] }
func (h *hood) DismissedPhotos(u uint32) []uint32 { return h.dphotos[u] }
func (h *hood) DismissedUsers(u uint32) []uint32  { return h.dusers[u] }
func (h *hood) PhotoID(p uint32) string           { return h.ids[p] }
func (h *hood) NSID(u uint32) string              { return h.nsids[u] }

// FaveCount is u's whole number of faves (rank.FaveCounter).
func (h *hood) FaveCount(u uint32) int {
	if h.count[u] >= 0 {
		return h.count[u]
	}
	return len(h.faves[u])
}

// user returns nsid's index, adding the user.
func (h *hood) user(nsid string) uint32 {
	if u, ok := h.uidx[nsid]; ok {
		return u
	}
	u := uint32(len(h.nsids))
	h.uidx[nsid] = u
	h.nsids = append(h.nsids, nsid)
	h.count = append(h.count, -1)
	h.faves = append(h.faves, nil)
	h.took = append(h.took, nil)
	h.contacts = append(h.contacts, nil)
	h.dphotos = append(h.dphotos, nil)
	h.dusers = append(h.dusers, nil)
	return u
}

// photo returns ref's index, adding the photo; a known owner and degree are kept.
func (h *hood) photo(ref photoRef) uint32 {
	p, ok := h.pidx[ref.id]
	if !ok {
		p = uint32(len(h.ids))
		h.pidx[ref.id] = p
		h.ids = append(h.ids, ref.id)
		h.owner = append(h.owner, rank.None)
		h.degree = append(h.degree, 0)
		h.complete = append(h.complete, false)
		h.favers = append(h.favers, nil)
	}
	if ref.owner != "" && h.owner[p] == rank.None {
		h.owner[p] = h.user(ref.owner)
	}
	h.degree[p] = max(h.degree[p], ref.degree)
	return p
}

func (h *hood) photos(refs []photoRef) []uint32 {
	out := make([]uint32, 0, len(refs))
	for _, r := range refs {
		out = append(out, h.photo(r))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (h *hood) users(nsids []string) []uint32 {
	out := make([]uint32, 0, len(nsids))
	for _, n := range nsids {
		out = append(out, h.user(n))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// linkFavers fills the Favers of every photo whose favers are not complete from the loaded
// users' Faves.
func (h *hood) linkFavers() {
	for u, fs := range h.faves {
		for _, p := range fs {
			if !h.complete[p] {
				h.favers[p] = append(h.favers[p], uint32(u))
			}
		}
	}
}

// setFavers records every faver of each photo of got (by ID) and their fave counts.
func (h *hood) setFavers(got map[string][]faver) {
	for id, fs := range got {
		p, ok := h.pidx[id]
		if !ok {
			continue
		}
		list := make([]uint32, 0, len(fs))
		for _, f := range fs {
			u := h.user(f.nsid)
			h.count[u] = f.faves
			list = append(list, u)
		}
		slices.Sort(list)
		h.favers[p], h.complete[p] = slices.Compact(list), true
	}
}

// faver is one user who faves a photo, with the user's whole number of faves.
type faver struct {
	nsid  string
	faves int
}

// photoRef is a photo as the loading statements return it: its ID, its owner's NSID ("" when it
// has none) and its degree (Photo.faves).
type photoRef struct {
	id, owner string
	degree    int
}

// memberAdjacency is what a member's own node holds beyond its faves.
type memberAdjacency struct {
	dismissedPhotos []photoRef
	dismissedUsers  []string
	contacts        []string
	followers       []string // the contacts who follow the member back
}

// adjacency is where a hood is loaded from: Neo4j (neo4jAdjacency, bounded statements) or a
// test's in-memory graph. Every method takes and returns keys, never indexes.
type adjacency interface {
	member(ctx context.Context, nsid string) (memberAdjacency, error)
	// faves returns the photos each of users faved (users without faves may be absent).
	faves(ctx context.Context, users []string) (map[string][]photoRef, error)
	// cofaverFaves is faves for the co-favers of algorithms that walk through every one of them
	// (ItemKNN, Blend): the same answer, read by its own statement with its own row budget.
	cofaverFaves(ctx context.Context, users []string) (map[string][]photoRef, error)
	// favers returns every faver of each of photos (photos nobody faves may be absent).
	favers(ctx context.Context, photos []string) (map[string][]faver, error)
	// took returns the photos each of users owns.
	took(ctx context.Context, users []string) (map[string][]photoRef, error)
}

// loadChunk is how many users one faves or took call asks for, and how many photos one favers
// call asks for: each call is one read transaction within the read timeout.
const loadChunk = 200

// loadFaves loads the faves of every user of nsids not loaded yet, loadChunk at a time, with
// read (src.faves or src.cofaverFaves).
func (h *hood) loadFaves(ctx context.Context, read func(context.Context, []string) (map[string][]photoRef, error), nsids []string) error {
	var todo []string
	for _, n := range nsids {
		if u, ok := h.uidx[n]; !ok || h.faves[u] == nil {
			todo = append(todo, n)
		}
	}
	slices.Sort(todo)
	todo = slices.Compact(todo)
	for chunk := range slices.Chunk(todo, loadChunk) {
		got, err := read(ctx, chunk)
		if err != nil {
			return err
		}
		for _, n := range chunk {
			u := h.user(n)
			h.faves[u] = h.photos(got[n])
		}
	}
	return nil
}

// loadFavers records every faver of the photos (IDs), loadChunk photos at a time.
func (h *hood) loadFavers(ctx context.Context, src adjacency, ids []string) error {
	for chunk := range slices.Chunk(ids, loadChunk) {
		got, err := src.favers(ctx, chunk)
		if err != nil {
			return err
		}
		h.setFavers(got)
	}
	return nil
}

// plan says what a ranking under one algorithm reads (graph/rank: which lists each algorithm
// walks), so a hood loads nothing more.
type plan struct {
	walk          bool    // the walk u -> q -> v -> p runs
	keep          int     // the co-favers it goes on through: the keep strongest, 0 every one
	alpha         float64 // the walk's Alpha, to find the strongest
	neighborFaves bool    // Flexplore neighbor scores (Blend)
	neighborTook  bool    // owner affinity (Owners, Hybrid)
	contacts      bool    // follows terms (Follows, Hybrid): the contacts' faves and photos
}

// planFor returns the plan of algo under params (graph/algorithms.go, graph/rank).
func planFor(algo graph.Algorithm, params graph.Params) plan {
	switch algo {
	case graph.Hybrid:
		hp := params.Hybrid
		return plan{walk: hp.Walk > 0, keep: params.Walk.Users, alpha: params.Walk.Alpha,
			neighborTook: hp.Owner > 0, contacts: hp.FollowPhotos > 0 || hp.ContactFaves > 0}
	case graph.RP3Beta:
		return plan{walk: true, keep: params.Walk.Users, alpha: params.Walk.Alpha}
	case graph.ItemKNN:
		return plan{walk: true}
	case graph.Blend:
		return plan{walk: true, keep: graph.LegacyWalk.Users, alpha: graph.LegacyWalk.Alpha, neighborFaves: true}
	case graph.Owners:
		return plan{neighborTook: true}
	case graph.Follows:
		return plan{contacts: true}
	}
	return plan{walk: true, neighborFaves: true, neighborTook: true, contacts: true}
}

// strongestMargin is how many co-favers past keep a hood loads, so float rounding in its own
// weights cannot leave out one the walk keeps.
func strongestMargin(keep int) int { return keep/8 + 8 }

// strongest returns the co-favers of me (every faver of me's faves but me) the walk goes on
// through under pl: all of them, or the keep + strongestMargin of largest RP3 weight
// w(v) = (sum over me's faves q that v faves of deg(q)^-alpha) * FaveCount(v)^-alpha, and any
// tied with the last.
func (h *hood) strongest(me uint32, pl plan) []string {
	w := map[uint32]float64{}
	for _, q := range h.faves[me] {
		step := math.Pow(float64(h.degree[q]), -pl.alpha)
		for _, v := range h.favers[q] {
			if v != me {
				w[v] += step
			}
		}
	}
	type cand struct {
		v uint32
		w float64
	}
	cs := make([]cand, 0, len(w))
	for v, x := range w {
		cs = append(cs, cand{v, x * math.Pow(float64(h.FaveCount(v)), -pl.alpha)})
	}
	if n := pl.keep + strongestMargin(pl.keep); pl.keep > 0 && len(cs) > n {
		slices.SortFunc(cs, func(a, b cand) int { return cmp.Compare(b.w, a.w) })
		last := cs[n-1].w
		for n < len(cs) && cs[n].w >= last*(1-1e-9) {
			n++
		}
		cs = cs[:n]
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = h.nsids[c.v]
	}
	return out
}

// loadMember loads the hood of nsid's photo ranking under pl and returns nsid's index.
func loadMember(ctx context.Context, src adjacency, nsid string, pl plan) (*hood, uint32, error) {
	h := newHood()
	me := h.user(nsid)
	m, err := src.member(ctx, nsid)
	if err != nil {
		return nil, 0, err
	}
	h.dphotos[me] = h.photos(m.dismissedPhotos)
	h.dusers[me] = h.users(m.dismissedUsers)
	h.contacts[me] = h.users(m.contacts)
	for _, f := range m.followers {
		if f != nsid {
			h.contacts[h.user(f)] = []uint32{me}
		}
	}
	if err := h.loadFaves(ctx, src.faves, []string{nsid}); err != nil {
		return nil, 0, err
	}
	// Every faver of what the member faved or dismissed, with their fave counts: the walk's first
	// step and the neighbors' common and dismissed counts.
	var seen []string
	for _, ps := range [][]uint32{h.faves[me], h.dphotos[me]} {
		for _, p := range ps {
			seen = append(seen, h.ids[p])
		}
	}
	if pl.walk || pl.neighborFaves {
		if err := h.loadFavers(ctx, src, seen); err != nil {
			return nil, 0, err
		}
	}
	if pl.walk {
		read := src.faves
		if pl.keep == 0 {
			read = src.cofaverFaves
		}
		if err := h.loadFaves(ctx, read, h.strongest(me, pl)); err != nil {
			return nil, 0, err
		}
	}
	// Neighbors: the owners of the member's faves.
	var neighbors []string
	for _, p := range h.faves[me] {
		if o := h.owner[p]; o != rank.None && o != me {
			neighbors = append(neighbors, h.nsids[o])
		}
	}
	slices.Sort(neighbors)
	neighbors = slices.Compact(neighbors)
	var load, owners []string
	if pl.neighborFaves {
		load = append(load, neighbors...)
	}
	if pl.neighborTook {
		owners = append(owners, neighbors...)
	}
	if pl.contacts {
		load = append(load, m.contacts...)
		owners = append(owners, m.contacts...)
	}
	if err := h.loadFaves(ctx, src.faves, load); err != nil {
		return nil, 0, err
	}
	slices.Sort(owners)
	owners = slices.Compact(owners)
	for chunk := range slices.Chunk(owners, loadChunk) {
		got, err := src.took(ctx, chunk)
		if err != nil {
			return nil, 0, err
		}
		for _, o := range chunk {
			u := h.user(o)
			refs := got[o]
			for i := range refs {
				refs[i].owner = o
			}
			h.took[u] = h.photos(refs)
		}
	}
	h.seal()
	return h, me, nil
}

// seal makes every user's Faves non-nil and links the Favers of the photos whose favers are not
// complete.
func (h *hood) seal() {
	for u := range h.faves {
		if h.faves[u] == nil {
			h.faves[u] = []uint32{}
		}
	}
	h.linkFavers()
}

// rankMember ranks nsid's photos under q.Algorithm over a hood loaded from src. When the walk
// read only the strongest co-favers, the ranked photos' favers are then loaded whole and the
// ranking run again, so that their reasons count every co-faver (the scores do not change: the
// walk reads the favers of the member's faves only, which were whole already).
func rankMember(ctx context.Context, src adjacency, r *rank.Ranker, nsid string, q rank.Query) (*hood, rank.Result, error) {
	pl := planFor(q.Algorithm, r.Params())
	h, me, err := loadMember(ctx, src, nsid, pl)
	if err != nil {
		return nil, rank.Result{}, err
	}
	q.User = me
	res := r.Photos(h, q)
	if !pl.walk || pl.keep == 0 || len(res.Items) == 0 {
		return h, res, nil
	}
	ids := make([]string, len(res.Items))
	for i, it := range res.Items {
		ids[i] = h.ids[it.Photo]
	}
	if err := h.loadFavers(ctx, src, ids); err != nil {
		return nil, rank.Result{}, err
	}
	for u := range h.faves {
		if h.faves[u] == nil {
			h.faves[u] = []uint32{}
		}
	}
	return h, r.Photos(h, q), nil
}

// loadSimilar loads the hood of the "more like this" ranking of seed for viewer ("" for none):
// the seed's favers and all their faves, and the viewer's faves and dismissals. It returns the
// seed's index and the viewer's (rank.None without a viewer).
func loadSimilar(ctx context.Context, src adjacency, seed photoRef, viewer string) (*hood, uint32, uint32, error) {
	h := newHood()
	s := h.photo(seed)
	v := uint32(rank.None)
	load := []string{}
	if viewer != "" {
		v = h.user(viewer)
		m, err := src.member(ctx, viewer)
		if err != nil {
			return nil, 0, 0, err
		}
		h.dphotos[v] = h.photos(m.dismissedPhotos)
		h.dusers[v] = h.users(m.dismissedUsers)
		h.contacts[v] = h.users(m.contacts)
		load = append(load, viewer)
	}
	got, err := src.favers(ctx, []string{seed.id})
	if err != nil {
		return nil, 0, 0, err
	}
	for _, f := range got[seed.id] {
		load = append(load, f.nsid)
	}
	if err := h.loadFaves(ctx, src.faves, load); err != nil {
		return nil, 0, 0, err
	}
	h.seal()
	return h, s, v, nil
}
