package rank

import (
	"slices"
	"sort"
	"sync"

	"github.com/photorec/photorec/graph"
)

// Ranker ranks with one set of constants. It is safe for concurrent use; its scratch memory is
// pooled and sized to the largest graph it has ranked.
type Ranker struct {
	params graph.Params
	pool   sync.Pool // *scratch

	walkA, walkB     *powTable // n^-Alpha, n^-Beta of Params.Walk
	legacyA, legacyB *powTable // the same for graph.LegacyWalk (Blend)
	sqrtInv          *powTable // n^-0.5 (ItemKNN)
	ownerCount       *powTable // n^OwnerCountExp
}

// New returns a Ranker for p (graph.DefaultParams() for the product's constants).
func New(p graph.Params) *Ranker {
	return &Ranker{
		params:     p,
		walkA:      newPowTable(-p.Walk.Alpha),
		walkB:      newPowTable(-p.Walk.Beta),
		legacyA:    newPowTable(-graph.LegacyWalk.Alpha),
		legacyB:    newPowTable(-graph.LegacyWalk.Beta),
		sqrtInv:    newPowTable(-0.5),
		ownerCount: newPowTable(p.Hybrid.OwnerCountExp),
	}
}

// Params returns the constants r ranks with.
func (r *Ranker) Params() graph.Params { return r.params }

func (r *Ranker) get(g Graph) *scratch {
	sc, _ := r.pool.Get().(*scratch)
	if sc == nil {
		sc = newScratch()
	}
	sc.size(g)
	return sc
}

func (r *Ranker) put(g Graph, sc *scratch) {
	sc.release(g)
	r.pool.Put(sc)
}

// Query selects one page of a photo ranking.
type Query struct {
	User      uint32 // U; for Similar, the viewer (None: anonymous)
	Algorithm graph.Algorithm
	// Limit is how many items to return at most; callers that page ask for one more than they
	// show to learn whether a next page exists.
	Limit  int
	Cursor *graph.Cursor // nil for the first page: items come strictly after it
	Why    int           // most people per reason
}

// Person is one person a reason names.
type Person struct {
	User   uint32
	Score  float64
	Common int
}

// Reason is one reason of an item, with indexes for people (graph.Reason names them).
type Reason struct {
	Kind  graph.ReasonKind
	Count int
	Users []Person
}

// Item is one ranked photo.
type Item struct {
	Photo   uint32
	Score   float64
	Reasons []Reason
}

// Result is one page of a photo ranking.
type Result struct {
	Items []Item
	// Deps are the users whose own writes change this ranking beyond bounded staleness: U, U's
	// neighbors and U's contacts (a page cache invalidates on their writes).
	Deps []uint32
}

// term is one weighted term of a photo's score, for its reasons.
type term struct {
	kind  graph.ReasonKind
	share float64
}

// Photos ranks photos for q.User under q.Algorithm (graph/algorithms.go).
func (r *Ranker) Photos(g Graph, q Query) Result {
	sc := r.get(g)
	defer r.put(g, sc)
	u := q.User
	sc.mark(g, u)
	sc.markNeighbors(g, u)
	if q.Algorithm == graph.Popularity {
		return r.popularity(g, sc, q)
	}
	hp := r.params.Hybrid
	// Each algorithm fills the per-photo terms and lists the photos it scored, then says how
	// they make a score (score) and which reasons they give (terms).
	var score func(c cand) float64
	var terms func(c cand, out []term) []term
	switch q.Algorithm {
	case graph.Flexplore:
		r.scoreNeighbors(g, sc, u)
		sc.flexplore(g, u, sc.acc, &sc.touched)
		sc.flagTouched()
		score = func(c cand) float64 { return sc.acc[c.p] }
		terms = func(c cand, out []term) []term { return append(out, term{graph.ReasonNeighbors, sc.acc[c.p]}) }
	case graph.ItemKNN, graph.RP3Beta:
		wk := walkKNN
		if q.Algorithm == graph.RP3Beta {
			wk = walkRP3
		}
		r.walk(g, sc, u, wk, r.walkA, r.walkB, r.params.Walk.Users, sc.acc, &sc.touched)
		sc.flagTouched()
		score = func(c cand) float64 { return sc.acc[c.p] }
		terms = func(c cand, out []term) []term { return append(out, term{graph.ReasonCoFavers, sc.acc[c.p]}) }
	case graph.Blend:
		r.scoreNeighbors(g, sc, u)
		r.walk(g, sc, u, walkRP3, r.legacyA, r.legacyB, graph.LegacyWalk.Users, sc.second, &sc.touched)
		sc.flagTouched()
		sc.flexplore(g, u, sc.acc, &sc.tmp)
		sc.listAll(sc.tmp)
		sc.tmp = sc.tmp[:0]
		sc.candidates(g)
		var maxF, maxW float64
		for _, c := range sc.cands {
			maxF, maxW = max(maxF, sc.acc[c.p]), max(maxW, sc.second[c.p])
		}
		parts := func(c cand) (f, w float64) {
			if maxF > 0 {
				f = graph.BlendWeight * sc.acc[c.p] / maxF
			}
			if maxW > 0 {
				w = (1 - graph.BlendWeight) * sc.second[c.p] / maxW
			}
			return f, w
		}
		score = func(c cand) float64 { f, w := parts(c); return f + w }
		terms = func(c cand, out []term) []term {
			f, w := parts(c)
			return append(out, term{graph.ReasonCoFavers, w}, term{graph.ReasonNeighbors, f})
		}
	case graph.Owners:
		r.ownerScores(g, sc, u)
		score = func(c cand) float64 { return sc.ownerScore(c.o) }
		terms = func(c cand, out []term) []term { return append(out, term{graph.ReasonOwnerFaved, score(c)}) }
	case graph.Follows, graph.Hybrid:
		hybrid := q.Algorithm == graph.Hybrid
		wW, wO := hp.Walk, hp.Owner
		if !hybrid {
			wW, wO = 0, 0
		}
		if wW > 0 {
			r.walk(g, sc, u, walkRP3, r.walkA, r.walkB, r.params.Walk.Users, sc.acc, &sc.touched)
			sc.flagTouched()
		}
		if wO > 0 {
			r.ownerScores(g, sc, u)
		}
		if hp.FollowPhotos > 0 || hp.ContactFaves > 0 {
			sc.follows(g, hp.FollowPhotos > 0, hp.ContactFaves > 0)
		}
		sc.candidates(g)
		var maxW, maxO, maxF, maxC float64
		for _, c := range sc.cands {
			maxW = max(maxW, sc.acc[c.p])
			maxO = max(maxO, sc.ownerScore(c.o))
			maxF = max(maxF, sc.followScore(c.o))
			maxC = max(maxC, sc.second[c.p])
		}
		weigh := func(w, v, m float64) float64 {
			if m == 0 || w == 0 {
				return 0
			}
			return w * v / m
		}
		score = func(c cand) float64 {
			return weigh(wW, sc.acc[c.p], maxW) + weigh(wO, sc.ownerScore(c.o), maxO) +
				weigh(hp.FollowPhotos, sc.followScore(c.o), maxF) + weigh(hp.ContactFaves, sc.second[c.p], maxC)
		}
		terms = func(c cand, out []term) []term {
			return append(out,
				term{graph.ReasonCoFavers, weigh(wW, sc.acc[c.p], maxW)},
				term{graph.ReasonOwnerFaved, weigh(wO, sc.ownerScore(c.o), maxO)},
				term{graph.ReasonOwnerFollowed, weigh(hp.FollowPhotos, sc.followScore(c.o), maxF)},
				term{graph.ReasonContactsFaved, weigh(hp.ContactFaves, sc.second[c.p], maxC)})
		}
	default:
		return Result{}
	}
	if !sc.candsReady {
		sc.candidates(g)
	}
	sc.top.reset(q.Limit)
	for _, c := range sc.cands {
		sc.consider(g, c.p, score(c), q.Cursor)
	}
	res := Result{Deps: sc.deps(u)}
	info, _ := graph.LookupAlgorithm(q.Algorithm)
	var ts []term
	for _, c := range sc.top.sorted() {
		ts = terms(cand{c.idx, g.Owner(c.idx)}, ts[:0])
		res.Items = append(res.Items, Item{Photo: c.idx, Score: c.score, Reasons: r.reasons(g, sc, c.idx, ts, info, q.Why)})
	}
	return res
}

// cand is a photo U may be recommended and its owner.
type cand struct{ p, o uint32 }

// candidates lists the listed photos U may be recommended in sc.cands: not faved or dismissed by
// U, owned by someone known who is neither U nor dismissed by U. It reads each owner once.
func (sc *scratch) candidates(g Graph) {
	sc.cands = sc.cands[:0]
	for _, p := range sc.touched {
		if sc.pflag[p]&(pFaved|pDismissed) != 0 {
			continue
		}
		o := g.Owner(p)
		if o == sc.user || o == None || sc.uflag[o]&uDismissed != 0 {
			continue
		}
		sc.cands = append(sc.cands, cand{p, o})
	}
	sc.candsReady = true
}

// consider offers photo p with score s to the page.
func (sc *scratch) consider(g Graph, p uint32, s float64, cur *graph.Cursor) {
	if s <= 0 || !sc.top.admits(s) {
		return
	}
	id := g.PhotoID(p)
	if cur != nil && !cur.After(s, id) {
		return
	}
	sc.top.push(candidate{idx: p, score: s, id: id})
}

// listAll lists every photo of ps that is not listed yet. ps must not be sc.touched.
func (sc *scratch) listAll(ps []uint32) {
	for _, p := range ps {
		sc.list(p)
	}
}

// flagTouched flags the photos a walk or Flexplore appended to sc.touched as listed.
func (sc *scratch) flagTouched() {
	for _, p := range sc.touched {
		sc.pflag[p] |= pListed
	}
}

// deps are U, U's neighbors and U's contacts.
func (sc *scratch) deps(u uint32) []uint32 {
	out := make([]uint32, 0, 1+len(sc.nbrs)+len(sc.contact))
	out = append(out, u)
	for _, n := range sc.nbrs {
		out = append(out, n.u)
	}
	return append(out, sc.contact...)
}

// popularity ranks by degree.
func (r *Ranker) popularity(g Graph, sc *scratch, q Query) Result {
	sc.top.reset(q.Limit)
	if d, ok := g.(interface{ Degrees() []uint32 }); ok {
		for p, n := range d.Degrees() {
			if n == 0 || !sc.top.admits(float64(n)) || !sc.eligible(g, uint32(p)) {
				continue
			}
			sc.consider(g, uint32(p), float64(n), q.Cursor)
		}
	} else {
		for p := range g.Photos() {
			n := g.Degree(uint32(p))
			if n == 0 || !sc.top.admits(float64(n)) || !sc.eligible(g, uint32(p)) {
				continue
			}
			sc.consider(g, uint32(p), float64(n), q.Cursor)
		}
	}
	res := Result{Deps: []uint32{q.User}}
	for _, c := range sc.top.sorted() {
		res.Items = append(res.Items, Item{Photo: c.idx, Score: c.score,
			Reasons: []Reason{{Kind: graph.ReasonPopular, Count: int(c.score)}}})
	}
	return res
}

// reasons builds the reasons of photo p from its terms: positive ones, largest share first, ties
// (shares within graph.ShareTie of each other, as sums in another order may differ in the last
// bits) in the algorithm's reason order.
func (r *Ranker) reasons(g Graph, sc *scratch, p uint32, ts []term, info graph.AlgorithmInfo, why int) []Reason {
	ts = slices.DeleteFunc(ts, func(t term) bool { return t.share <= 0 })
	order := func(k graph.ReasonKind) int { return slices.Index(info.Reasons, k) }
	sort.SliceStable(ts, func(i, j int) bool {
		if !graph.ShareTie(ts[i].share, ts[j].share) {
			return ts[i].share > ts[j].share
		}
		return order(ts[i].kind) < order(ts[j].kind)
	})
	out := make([]Reason, 0, len(ts))
	for _, t := range ts {
		out = append(out, sc.reason(g, p, t.kind, why))
	}
	return out
}

// reason builds one reason of photo p.
func (sc *scratch) reason(g Graph, p uint32, kind graph.ReasonKind, why int) Reason {
	rs := Reason{Kind: kind}
	o := g.Owner(p)
	switch kind {
	case graph.ReasonNeighbors:
		rs.Count, rs.Users = sc.people(g, p, why, func(v uint32) (Person, bool) {
			slot := sc.uslot[v]
			if slot == 0 || sc.nbrs[slot-1].score <= 0 {
				return Person{}, false
			}
			n := &sc.nbrs[slot-1]
			return Person{User: v, Score: n.score, Common: int(n.common)}, true
		})
	case graph.ReasonCoFavers, graph.ReasonAlsoFaved:
		rs.Count, rs.Users = sc.people(g, p, why, func(v uint32) (Person, bool) {
			if v == sc.user || (sc.w[v] == 0 && sc.common[v] == 0) {
				return Person{}, false
			}
			c := int(sc.common[v])
			return Person{User: v, Score: float64(c), Common: c}, true
		})
	case graph.ReasonOwnerFaved:
		taken := sc.nbrs[sc.uslot[o]-1].taken
		rs.Count, rs.Users = int(taken), []Person{{User: o, Score: float64(taken)}}
	case graph.ReasonOwnerFollowed:
		rs.Count, rs.Users = 1, []Person{{User: o, Score: sc.followScore(o)}}
	case graph.ReasonContactsFaved:
		rs.Count, rs.Users = sc.people(g, p, why, func(v uint32) (Person, bool) {
			if sc.uflag[v]&uContact == 0 {
				return Person{}, false
			}
			return Person{User: v, Score: mutual(sc.uflag[v])}, true
		})
	}
	return rs
}

// people counts the favers of p that keep accepts and returns the best why of them (score desc,
// NSID asc).
func (sc *scratch) people(g Graph, p uint32, why int, keep func(v uint32) (Person, bool)) (int, []Person) {
	best := sc.whyBuf[:0]
	count := 0
	for _, v := range g.Favers(p) {
		c, ok := keep(v)
		if !ok {
			continue
		}
		count++
		if len(best) == why && !better(g, c, best[why-1]) {
			continue
		}
		i := len(best)
		if i < why {
			best = append(best, c)
		} else {
			i = why - 1
		}
		for ; i > 0 && better(g, c, best[i-1]); i-- {
			best[i] = best[i-1]
		}
		best[i] = c
	}
	sc.whyBuf = best[:0]
	if len(best) == 0 {
		return count, nil
	}
	return count, slices.Clone(best)
}

// better orders people: score desc, NSID asc.
func better(g Graph, a, b Person) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return g.NSID(a.User) < g.NSID(b.User)
}

// mutual is m(x) of a contact's flags: 2 for a contact who follows back, else 1.
func mutual(f uint8) float64 {
	if f&uMutual != 0 {
		return 2
	}
	return 1
}
