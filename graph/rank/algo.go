package rank

import (
	"slices"
	"strings"

	"github.com/photorec/photorec/graph"
)

// scoreNeighbors sets the common and dismissed counts and the Flexplore score of every neighbor
// in sc.nbrs (markNeighbors). A neighbor's common (dismissed) count is how many of u's faved
// (dismissed) photos they faved. It walks whichever side is shorter: the faves of every
// neighbor, testing u's marks, or the favers of u's faved and dismissed photos, counting the
// neighbors among them. Both give the same integers.
func (r *Ranker) scoreNeighbors(g Graph, sc *scratch, u uint32) {
	viaNeighbors, viaFavers := 0, 0
	for i := range sc.nbrs {
		viaNeighbors += len(g.Faves(sc.nbrs[i].u))
	}
	for _, ps := range [][]uint32{g.Faves(u), g.DismissedPhotos(u)} {
		for _, p := range ps {
			viaFavers += len(g.Favers(p))
		}
	}
	if viaFavers < viaNeighbors {
		sc.countViaFavers(g, u)
	} else {
		sc.countViaNeighbors(g)
	}
	for i := range sc.nbrs {
		n := &sc.nbrs[i]
		n.score = graph.NeighborScore(r.params.Flexplore, int(n.common), int(n.dismissed), len(g.Faves(n.u)))
	}
}

// countViaFavers sets each neighbor's common and dismissed counts from the favers of u's faved
// and dismissed photos (the counts start at zero: markNeighbors).
func (sc *scratch) countViaFavers(g Graph, u uint32) {
	uslot := sc.uslot
	for _, p := range g.Faves(u) {
		for _, v := range g.Favers(p) {
			if slot := uslot[v]; slot != 0 {
				sc.nbrs[slot-1].common++
			}
		}
	}
	for _, p := range g.DismissedPhotos(u) {
		for _, v := range g.Favers(p) {
			if slot := uslot[v]; slot != 0 {
				sc.nbrs[slot-1].dismissed++
			}
		}
	}
}

// countViaNeighbors sets each neighbor's common and dismissed counts from the neighbor's faves
// and u's marks (mark).
func (sc *scratch) countViaNeighbors(g Graph) {
	pflag := sc.pflag
	for i := range sc.nbrs {
		n := &sc.nbrs[i]
		var common, dismissed int32
		for _, p := range g.Faves(n.u) {
			f := pflag[p]
			common += int32(f & pFaved)
			dismissed += int32(f>>1) & 1
		}
		n.common, n.dismissed = common, dismissed
	}
}

// flexplore sums the Flexplore photo scores of u's neighbors into out, listing each photo it
// gives a first score in *list.
func (sc *scratch) flexplore(g Graph, u uint32, out []float64, list *[]uint32) {
	exclude(g, u, out, -1)
	l, n := room(*list, g.Photos())
	for i := range sc.nbrs {
		score := sc.nbrs[i].score
		if score <= 0 {
			continue
		}
		n = spread(out, g.Faves(sc.nbrs[i].u), score, l, n)
	}
	exclude(g, u, out, 0)
	*list = l[:n]
}

// walkKind picks the walk's weights.
type walkKind int

const (
	walkRP3 walkKind = iota // deg(q)^-Alpha * |F(v)|^-Alpha, then deg(p)^-Beta
	walkKNN                 // deg(q)^-0.5, then deg(p)^-0.5: the sum of cosines
)

// walk scores photos by walks u -> q -> v -> p (v != u, p neither faved nor dismissed by u) into
// out, listing each photo it gives a score in *list. a and b are the tables of n^-Alpha and
// n^-Beta (RP3Beta); keep is Walk.Users (0: every co-faver). It leaves each co-faver's weight
// in sc.w and U's faves they share in sc.common (the co-favers of reasons); release clears
// them. out must be zero but at the photos listed in *list.
func (r *Ranker) walk(g Graph, sc *scratch, u uint32, kind walkKind, a, b *powTable, keep int, out []float64, list *[]uint32) {
	if kind == walkKNN {
		a, b, keep = r.sqrtInv, r.sqrtInv, 0
	}
	w, common, reached := sc.w, sc.common, sc.reached
	for _, q := range g.Faves(u) {
		favers := g.Favers(q)
		step := a.at(g.Degree(q))
		for _, v := range favers { // u is reached too: skipped below, once, not here per faver
			if common[v] == 0 {
				reached = append(reached, v)
			}
			w[v] += step
			common[v]++
		}
	}
	sc.reached = reached
	// The co-favers the walk goes on through, each with its weight w(v).
	sc.via, sc.viaW = sc.via[:0], sc.viaW[:0]
	fc, _ := g.(FaveCounter)
	for _, v := range reached {
		if v == u {
			continue
		}
		step := w[v]
		if kind == walkRP3 {
			var n int
			if fc != nil {
				n = fc.FaveCount(v)
			} else {
				n = len(g.Faves(v))
			}
			step *= a.at(n)
		}
		sc.via, sc.viaW = append(sc.via, v), append(sc.viaW, step)
	}
	if keep > 0 && len(sc.via) > keep {
		sc.strongest(g, keep)
	}
	// Excluded photos get a negative sentinel in out, so the hot loop below reads one array:
	// one random access per fave of a co-faver.
	exclude(g, u, out, -1)
	l, n := room(*list, g.Photos())
	for i, v := range sc.via {
		n = spread(out, g.Faves(v), sc.viaW[i], l, n)
	}
	l = l[:n]
	exclude(g, u, out, 0)
	for _, p := range l {
		out[p] *= b.at(g.Degree(p))
	}
	*list = l
}

// strongest keeps the keep co-favers of largest weight in sc.via and sc.viaW (ties: NSID asc),
// in no particular order. It finds the keep-th largest weight by selection, in linear time.
func (sc *scratch) strongest(g Graph, keep int) {
	sc.sel = append(sc.sel[:0], sc.viaW...)
	t := nthLargest(sc.sel, keep)
	var tied []uint32
	n := 0
	for i, v := range sc.via {
		switch x := sc.viaW[i]; {
		case x > t:
			sc.via[n], sc.viaW[n] = v, x
			n++
		case x == t:
			tied = append(tied, v)
		}
	}
	slices.SortFunc(tied, func(x, y uint32) int { return strings.Compare(g.NSID(x), g.NSID(y)) })
	for _, v := range tied[:keep-n] {
		sc.via[n], sc.viaW[n] = v, t
		n++
	}
	sc.via, sc.viaW = sc.via[:n], sc.viaW[:n]
}

// nthLargest returns the k-th largest value of xs (1 <= k <= len(xs)), reordering xs
// (quickselect with a median-of-three pivot).
func nthLargest(xs []float64, k int) float64 {
	lo, hi, want := 0, len(xs)-1, k-1 // index want of xs sorted descending
	for lo < hi {
		mid := lo + (hi-lo)/2
		if xs[mid] > xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] > xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[mid] < xs[hi] {
			xs[mid], xs[hi] = xs[hi], xs[mid]
		}
		pivot := xs[mid] // the median of the three
		i, j := lo, hi
		for i <= j {
			for xs[i] > pivot {
				i++
			}
			for xs[j] < pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return xs[want]
		}
	}
	return xs[want]
}

// spread adds step to out[p] for every photo p in photos whose out is not negative (excluded),
// stores each photo it gives its first score at list[n], list[n+1], ... and returns the new n.
// list must have room for every photo (room). It is the hot loop of walk and flexplore; out of
// line its loop counter stays in a register, which measured ~6% faster on the blend benchmark.
//
//go:noinline
func spread(out []float64, photos []uint32, step float64, list []uint32, n int) int {
	for _, p := range photos {
		a := out[p]
		if a < 0 {
			continue
		}
		if a == 0 {
			list[n] = p
			n++
		}
		out[p] = a + step
	}
	return n
}

// room returns list resliced to a capacity of at least photos, and its length: spread stores
// into it by index instead of calling append. A list holds each photo at most once.
func room(list []uint32, photos int) ([]uint32, int) {
	n := len(list)
	if cap(list) < photos {
		list = slices.Grow(list, photos-n)
	}
	return list[:cap(list)], n
}

// exclude sets out[p] to v for every photo p u faved or dismissed.
func exclude(g Graph, u uint32, out []float64, v float64) {
	for _, p := range g.Faves(u) {
		out[p] = v
	}
	for _, p := range g.DismissedPhotos(u) {
		out[p] = v
	}
}

// ownerScores sets the owner-affinity score of every neighbor (graph/algorithms.go: Owners) in
// sc.own and lists their photos.
func (r *Ranker) ownerScores(g Graph, sc *scratch, u uint32) {
	hp := r.params.Hybrid
	nf := float64(len(g.Faves(u)))
	for i := range sc.nbrs {
		n := &sc.nbrs[i]
		took := g.Took(n.u)
		n.own = pow(float64(n.taken)/nf, hp.OwnerShareExp) * r.ownerCount.at(len(took))
		for _, p := range took {
			sc.list(p)
		}
	}
}

// ownerScore is the owner-affinity score of the photos of o (0 unless ownerScores ran).
func (sc *scratch) ownerScore(o uint32) float64 {
	if slot := sc.uslot[o]; slot != 0 {
		return sc.nbrs[slot-1].own
	}
	return 0
}

// followScore is m(o) for photos by o when U follows o, else 0.
func (sc *scratch) followScore(o uint32) float64 {
	f := sc.uflag[o]
	if f&uContact == 0 {
		return 0
	}
	return mutual(f)
}

// follows lists the photos U's contacts took (photos) and sums m(c) into sc.second over the
// contacts c who faved each photo (faves).
func (sc *scratch) follows(g Graph, photos, faves bool) {
	for _, c := range sc.contact {
		if photos {
			for _, p := range g.Took(c) {
				sc.list(p)
			}
		}
		if faves {
			m := mutual(sc.uflag[c])
			for _, p := range g.Faves(c) {
				if sc.pflag[p]&(pFaved|pDismissed) != 0 {
					continue
				}
				sc.second[p] += m
				sc.list(p)
			}
		}
	}
}

// NeighborInfo is one neighbor of a user with its counts and Flexplore score.
type NeighborInfo struct {
	User                     uint32
	Taken, Common, Dismissed int
	Score                    float64
}

// Neighbors returns u's neighbors (owners of photos u faved, u excluded) in first-fave order;
// with scores, their common and dismissed counts and Flexplore scores are set too.
func (r *Ranker) Neighbors(g Graph, u uint32, scores bool) []NeighborInfo {
	sc := r.get(g)
	defer r.put(g, sc)
	sc.mark(g, u)
	sc.markNeighbors(g, u)
	if scores {
		r.scoreNeighbors(g, sc, u)
	}
	out := make([]NeighborInfo, len(sc.nbrs))
	for i, n := range sc.nbrs {
		out[i] = NeighborInfo{User: n.u, Taken: int(n.taken), Common: int(n.common), Dismissed: int(n.dismissed), Score: n.score}
	}
	return out
}

// UserItem is one recommended photographer.
type UserItem struct {
	User          uint32
	Score         float64
	Common, Total int
}

// Users ranks u's neighbors by Flexplore score, minus u's contacts and the users u dismissed:
// at most limit, strictly after cur when it is not nil.
func (r *Ranker) Users(g Graph, u uint32, limit int, cur *graph.Cursor) []UserItem {
	sc := r.get(g)
	defer r.put(g, sc)
	sc.mark(g, u)
	sc.markNeighbors(g, u)
	r.scoreNeighbors(g, sc, u)
	sc.top.reset(limit)
	for i, n := range sc.nbrs {
		if sc.uflag[n.u]&(uContact|uDismissed) != 0 || !sc.top.admits(n.score) {
			continue
		}
		id := g.NSID(n.u)
		if cur != nil && !cur.After(n.score, id) {
			continue
		}
		sc.top.push(candidate{idx: uint32(i), score: n.score, id: id})
	}
	var out []UserItem
	for _, c := range sc.top.sorted() {
		n := sc.nbrs[c.idx]
		out = append(out, UserItem{User: n.u, Score: n.score, Common: int(n.common), Total: len(g.Faves(n.u))})
	}
	return out
}

// Similar ranks photos like seed for q.User (None: anonymous), graph/algorithms.go's
// SimilarPhotos, with ReasonAlsoFaved reasons. Deps are the viewer (none when anonymous).
func (r *Ranker) Similar(g Graph, seed uint32, q Query) Result {
	sc := r.get(g)
	defer r.put(g, sc)
	viewer := q.User
	if viewer != None {
		sc.mark(g, viewer)
	} else {
		sc.user = None
	}
	out := sc.acc
	out[seed] = -1
	if viewer != None {
		exclude(g, viewer, out, -1)
	}
	l, n := room(sc.touched, g.Photos())
	for _, v := range g.Favers(seed) {
		if v == viewer {
			continue
		}
		faves := g.Faves(v)
		step := r.walkA.at(len(faves))
		if sc.w[v] == 0 && sc.common[v] == 0 {
			sc.reached = append(sc.reached, v)
		}
		sc.w[v] = step
		if viewer != None {
			var c int32
			for _, p := range faves {
				c += int32(sc.pflag[p] & pFaved)
			}
			sc.common[v] = c
		}
		n = spread(out, faves, step, l, n)
	}
	sc.touched = l[:n]
	out[seed] = 0
	if viewer != None {
		exclude(g, viewer, out, 0)
	}
	sc.flagTouched()
	sc.top.reset(q.Limit)
	for _, p := range sc.touched {
		out[p] *= r.walkB.at(g.Degree(p))
		if viewer != None && !sc.eligible(g, p) || g.Owner(p) == None {
			continue
		}
		sc.consider(g, p, out[p], q.Cursor)
	}
	var res Result
	if viewer != None {
		res.Deps = []uint32{viewer}
	}
	for _, c := range sc.top.sorted() {
		rs := sc.reason(g, c.idx, graph.ReasonAlsoFaved, q.Why)
		res.Items = append(res.Items, Item{Photo: c.idx, Score: c.score, Reasons: []Reason{rs}})
	}
	return res
}
