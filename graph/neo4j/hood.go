package neo4j

import (
	"context"
	"slices"

	"github.com/photorec/photorec/graph/rank"
)

// A hood is the part of the graph one member's rankings read (rank.Graph over a loaded
// neighborhood): the member's faves, dismissals and contacts; every FAVED edge of the member's
// co-favers (users who fave a photo the member faved or dismissed), neighbors and contacts; the
// photos of the neighbors and contacts; and for every photo its owner and its whole degree
// (Photo.faves). Favers lists hold only the loaded users, which are all the users a ranking's
// scores and reasons name; Degree is the whole number, as rank.Graph asks.
type hood struct {
	nsids    []string
	uidx     map[string]uint32
	ids      []string
	pidx     map[string]uint32
	owner    []uint32
	degree   []int
	faves    [][]uint32 // sorted; nil for users not loaded
	favers   [][]uint32
	took     [][]uint32
	contacts [][]uint32 // sorted
	dphotos  [][]uint32 // sorted
	dusers   [][]uint32 // sorted
}

var _ rank.Graph = (*hood)(nil)

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

// user returns nsid's index, adding the user.
func (h *hood) user(nsid string) uint32 {
	if u, ok := h.uidx[nsid]; ok {
		return u
	}
	u := uint32(len(h.nsids))
	h.uidx[nsid] = u
	h.nsids = append(h.nsids, nsid)
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

// linkFavers fills every photo's Favers from the loaded users' Faves.
func (h *hood) linkFavers() {
	for u, fs := range h.faves {
		for _, p := range fs {
			h.favers[p] = append(h.favers[p], uint32(u))
		}
	}
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
	// favers returns the distinct users who fave any of the photos.
	favers(ctx context.Context, photos []string) ([]string, error)
	// took returns the photos each of users owns.
	took(ctx context.Context, users []string) (map[string][]photoRef, error)
}

// loadChunk is how many users one faves or took call asks for, and how many photos one favers
// call asks for: each call is one read transaction within the read timeout.
const loadChunk = 200

// loadFaves loads the faves of every user of nsids not loaded yet, loadChunk at a time.
func (h *hood) loadFaves(ctx context.Context, src adjacency, nsids []string) error {
	var todo []string
	for _, n := range nsids {
		if u, ok := h.uidx[n]; !ok || h.faves[u] == nil {
			todo = append(todo, n)
		}
	}
	slices.Sort(todo)
	todo = slices.Compact(todo)
	for chunk := range slices.Chunk(todo, loadChunk) {
		got, err := src.faves(ctx, chunk)
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

// loadMember loads the hood of nsid's photo rankings and returns nsid's index.
func loadMember(ctx context.Context, src adjacency, nsid string) (*hood, uint32, error) {
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
	if err := h.loadFaves(ctx, src, []string{nsid}); err != nil {
		return nil, 0, err
	}
	// Co-favers: the users who fave what the member faved or dismissed.
	var seen []string
	for _, ps := range [][]uint32{h.faves[me], h.dphotos[me]} {
		for _, p := range ps {
			seen = append(seen, h.ids[p])
		}
	}
	var cofavers []string
	for chunk := range slices.Chunk(seen, loadChunk) {
		vs, err := src.favers(ctx, chunk)
		if err != nil {
			return nil, 0, err
		}
		cofavers = append(cofavers, vs...)
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
	load := append(append(append([]string{}, cofavers...), neighbors...), m.contacts...)
	if err := h.loadFaves(ctx, src, load); err != nil {
		return nil, 0, err
	}
	owners := append(append([]string{}, neighbors...), m.contacts...)
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
	for u := range h.faves {
		if h.faves[u] == nil {
			h.faves[u] = []uint32{}
		}
	}
	h.linkFavers()
	return h, me, nil
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
	favers, err := src.favers(ctx, []string{seed.id})
	if err != nil {
		return nil, 0, 0, err
	}
	if err := h.loadFaves(ctx, src, append(load, favers...)); err != nil {
		return nil, 0, 0, err
	}
	for u := range h.faves {
		if h.faves[u] == nil {
			h.faves[u] = []uint32{}
		}
	}
	h.linkFavers()
	return h, s, v, nil
}
