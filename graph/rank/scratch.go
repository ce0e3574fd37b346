package rank

import "slices"

// Flags in scratch.pflag and scratch.uflag.
const (
	pFaved     = 1 // U faved the photo
	pDismissed = 2 // U dismissed the photo
	pListed    = 4 // the photo is in scratch.touched

	uContact   = 1 // U follows this user
	uDismissed = 2 // U dismissed this user
	uMutual    = 4 // a contact who follows U back
)

// nbr is one neighbor of U (an owner of a photo U faved).
type nbr struct {
	u                        uint32
	taken, common, dismissed int32
	score                    float64 // Flexplore neighbor score
	own                      float64 // owner-affinity score of the neighbor's photos (Owners)
}

// scratch is per-query working memory sized to the graph, reused through Ranker's pool. Every
// array is all zero between queries: each query clears exactly what it set (release).
type scratch struct {
	pflag   []uint8   // per photo
	acc     []float64 // per photo: the first term (walk, Flexplore, ...)
	second  []float64 // per photo: the second term (Blend's walk, contacts' faves)
	touched []uint32  // photos listed (pListed)
	tmp     []uint32  // a second list of photos (Blend's Flexplore term)

	uslot   []int32   // per user: 1 + index in nbrs, 0 when not a neighbor
	uflag   []uint8   // per user
	w       []float64 // per user: weight of the walks that reached the user
	common  []int32   // per user: U's faves the user also faved (users the walk reached)
	reached []uint32  // users with w != 0 or common != 0
	via     []uint32  // the co-favers the walk goes on through
	viaW    []float64 // their weights w(v)
	sel     []float64 // scratch for the selection of the strongest co-favers

	nbrs    []nbr
	user    uint32
	marked  bool
	top     topK
	whyBuf  []Person
	contact []uint32 // U's contacts (uflag set)
	cands   []cand   // the listed photos U may be recommended (candidates)
	// candsReady is true once candidates ran for this query.
	candsReady bool
}

func newScratch() *scratch { return &scratch{} }

// size grows the arrays to g.
func (sc *scratch) size(g Graph) {
	if n := g.Photos(); len(sc.pflag) < n {
		n += n / 4
		sc.pflag = make([]uint8, n)
		sc.acc = make([]float64, n)
		sc.second = make([]float64, n)
	}
	if n := g.Users(); len(sc.uslot) < n {
		n += n / 4
		sc.uslot = make([]int32, n)
		sc.uflag = make([]uint8, n)
		sc.w = make([]float64, n)
		sc.common = make([]int32, n)
	}
}

// release clears everything the query set.
func (sc *scratch) release(g Graph) {
	for _, p := range sc.touched {
		sc.acc[p], sc.second[p] = 0, 0
		sc.pflag[p] &^= pListed
	}
	sc.touched = sc.touched[:0]
	for _, v := range sc.reached {
		sc.w[v], sc.common[v] = 0, 0
	}
	sc.reached = sc.reached[:0]
	for _, n := range sc.nbrs {
		sc.uslot[n.u] = 0
	}
	sc.nbrs = sc.nbrs[:0]
	sc.unmark(g)
	sc.top.items = sc.top.items[:0]
	sc.cands, sc.candsReady = sc.cands[:0], false
}

// mark sets the per-photo and per-user flags of user u.
func (sc *scratch) mark(g Graph, u uint32) {
	sc.user, sc.marked = u, true
	for _, p := range g.Faves(u) {
		sc.pflag[p] |= pFaved
	}
	for _, p := range g.DismissedPhotos(u) {
		sc.pflag[p] |= pDismissed
	}
	sc.contact = append(sc.contact[:0], g.Contacts(u)...)
	for _, v := range sc.contact {
		sc.uflag[v] |= uContact
		if _, back := slices.BinarySearch(g.Contacts(v), u); back {
			sc.uflag[v] |= uMutual
		}
	}
	for _, v := range g.DismissedUsers(u) {
		sc.uflag[v] |= uDismissed
	}
}

// unmark clears what mark set.
func (sc *scratch) unmark(g Graph) {
	if !sc.marked {
		return
	}
	u := sc.user
	for _, p := range g.Faves(u) {
		sc.pflag[p] &^= pFaved
	}
	for _, p := range g.DismissedPhotos(u) {
		sc.pflag[p] &^= pDismissed
	}
	for _, v := range sc.contact {
		sc.uflag[v] = 0
	}
	for _, v := range g.DismissedUsers(u) {
		sc.uflag[v] = 0
	}
	sc.marked = false
}

// markNeighbors fills sc.nbrs with u's neighbors and how many of u's faves each took.
func (sc *scratch) markNeighbors(g Graph, u uint32) {
	for _, p := range g.Faves(u) {
		o := g.Owner(p)
		if o == u || o == None {
			continue
		}
		if sc.uslot[o] == 0 {
			sc.nbrs = append(sc.nbrs, nbr{u: o})
			sc.uslot[o] = int32(len(sc.nbrs))
		}
		sc.nbrs[sc.uslot[o]-1].taken++
	}
}

// list adds p to touched unless it is there.
func (sc *scratch) list(p uint32) {
	if sc.pflag[p]&pListed == 0 {
		sc.pflag[p] |= pListed
		sc.touched = append(sc.touched, p)
	}
}

// eligible reports whether U may be recommended photo p: not faved or dismissed by U, owned by
// someone known who is neither U nor dismissed by U.
func (sc *scratch) eligible(g Graph, p uint32) bool {
	if sc.pflag[p]&(pFaved|pDismissed) != 0 {
		return false
	}
	o := g.Owner(p)
	return o != sc.user && o != None && sc.uflag[o]&uDismissed == 0
}
