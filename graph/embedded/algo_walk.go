package embedded

import (
	"math"
	"slices"
	"sync"

	"github.com/photorec/photorec/graph"
)

// algorithms are the rankings this engine serves (graph/score.go, graph/algorithms.go).
var algorithms = []graph.Algorithm{graph.Flexplore, graph.Popularity, graph.ItemKNN, graph.RP3Beta, graph.Blend}

// walkScratch is the extra per-query memory of the walk-based algorithms, pooled apart from
// scratch. Every array is all zero between queries: each query clears exactly what it set.
type walkScratch struct {
	w       []float64 // per user: weight of the walks that reached the user
	reached []uint32  // users with w != 0
	second  []float64 // per photo: Blend's RP3Beta term
	scored  []uint32  // photos with second != 0
}

// walkPool holds *walkScratch; any store may use any of them (getWalk sizes them to the graph).
var walkPool sync.Pool

func getWalk(st *state) *walkScratch {
	ws, _ := walkPool.Get().(*walkScratch)
	if ws == nil {
		ws = &walkScratch{}
	}
	if n := len(st.users); len(ws.w) < n {
		ws.w = make([]float64, n+n/4)
	}
	if n := len(st.photos); len(ws.second) < n {
		ws.second = make([]float64, n+n/4)
	}
	return ws
}

func putWalk(ws *walkScratch) {
	for _, p := range ws.scored {
		ws.second[p] = 0
	}
	ws.scored = ws.scored[:0]
	walkPool.Put(ws)
}

// rankOther scores u's candidate photos under ItemKNN, RP3Beta or Blend into sc.acc and
// sc.touched. sc holds u's marks and Flexplore neighbor scores (scoreNeighbors). Photos u faved
// or dismissed are never touched; the caller applies the owner exclusions.
func (sc *scratch) rankOther(st *state, u uint32, algo graph.Algorithm) {
	ws := getWalk(st)
	defer putWalk(ws)
	switch algo {
	case graph.ItemKNN:
		sc.walk(st, u, ws, false, sc.acc, &sc.touched)
	case graph.RP3Beta:
		sc.walk(st, u, ws, true, sc.acc, &sc.touched)
	case graph.Blend:
		sc.walk(st, u, ws, true, ws.second, &ws.scored)
		sc.flexplore(st, u)
		for _, p := range ws.scored {
			if sc.acc[p] == 0 {
				sc.touched = append(sc.touched, p)
			}
		}
		// Both maxima in one pass over the union (scores are positive: no math.Max needed).
		var maxF, maxR float64
		for _, p := range sc.touched {
			if !sc.eligible(st, u, p) {
				continue
			}
			if f := sc.acc[p]; f > maxF {
				maxF = f
			}
			if r := ws.second[p]; r > maxR {
				maxR = r
			}
		}
		for _, p := range sc.touched {
			var s float64
			if maxF > 0 {
				s = graph.BlendWeight * sc.acc[p] / maxF
			}
			if maxR > 0 {
				s += (1 - graph.BlendWeight) * ws.second[p] / maxR
			}
			sc.acc[p] = s
		}
	}
}

// eligible reports whether u may be recommended photo p (u's faves and dismissed photos are
// never scored, so only the owner rules are left).
func (sc *scratch) eligible(st *state, u, p uint32) bool {
	o := st.photos[p].owner
	return o != u && o != none && sc.uflag[o]&uDismissed == 0
}

// walk scores photos by walks u -> q -> v -> p (v != u, p neither faved nor dismissed by u) into
// out, listing each photo it gives a score in *touched. ItemKNN (rp3 false): each walk weighs
// 1/sqrt(deg q), and p's sum is divided by sqrt(deg p): the sum of cosines of p with u's faves.
// RP3Beta (rp3 true): each walk weighs 1/(deg q * |F(v)|), and p's sum is divided by
// deg(p)^RP3BetaBeta. out must be zero but at the photos listed in *touched.
func (sc *scratch) walk(st *state, u uint32, ws *walkScratch, rp3 bool, out []float64, touched *[]uint32) {
	w, reached := ws.w, ws.reached[:0]
	for _, q := range st.users[u].faves {
		favers := st.favers[q]
		d := float64(len(favers))
		step := 1 / math.Sqrt(d)
		if rp3 {
			step = 1 / d
		}
		for _, v := range favers { // u is reached too: skipped below, once, not here per faver
			if w[v] == 0 {
				reached = append(reached, v)
			}
			w[v] += step
		}
	}
	// Excluded photos get a negative sentinel in out, so the hot loop below reads one array:
	// one random access per fave of a reached user.
	exclude(st, u, out, -1)
	list, n := room(*touched, len(st.photos))
	for _, v := range reached {
		step := w[v]
		w[v] = 0
		if v == u {
			continue
		}
		faves := st.users[v].faves
		if rp3 {
			step /= float64(len(faves))
		}
		n = spread(out, faves, step, list, n)
	}
	list = list[:n]
	exclude(st, u, out, 0)
	for _, p := range list {
		d := float64(st.count[p]) // deg(p): len(st.favers[p]), from the dense array
		switch {
		case !rp3:
			out[p] /= math.Sqrt(d)
		case graph.RP3BetaBeta == 0.5:
			out[p] /= math.Sqrt(d) // math.Pow(d, 0.5) bit for bit, without its special-case tests
		default:
			out[p] /= math.Pow(d, graph.RP3BetaBeta)
		}
	}
	ws.reached, *touched = reached[:0], list
}

// spread adds step to out[p] for every photo p in photos whose out is not negative (excluded),
// stores each photo it gives its first score at list[n], list[n+1], ... and returns the new n.
// list must have room for every photo (room). It is the hot loop of walk and flexplore; out of
// line its loop counter stays in a register (inlined into walk, Go 1.26 keeps it on the stack:
// a store and a load per photo), which measured ~6% faster on the blend benchmark.
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
// into it by index instead of calling append. A list holds each photo at most once, so it never
// runs out.
func room(list []uint32, photos int) ([]uint32, int) {
	n := len(list)
	if cap(list) < photos {
		list = slices.Grow(list, photos-n)
	}
	return list[:cap(list)], n
}

// exclude sets out[p] to v for every photo p u faved or dismissed.
func exclude(st *state, u uint32, out []float64, v float64) {
	for _, p := range st.users[u].faves {
		out[p] = v
	}
	if x := st.users[u].x; x != nil {
		for _, p := range x.dismissedPhotos {
			out[p] = v
		}
	}
}

// flexplore sums the Flexplore photo scores of u's neighbors in sc.nbrs into sc.acc.
func (sc *scratch) flexplore(st *state, u uint32) {
	exclude(st, u, sc.acc, -1)
	acc := sc.acc
	touched, n := room(sc.touched, len(st.photos))
	for i := range sc.nbrs {
		score := sc.nbrs[i].score
		if score <= 0 {
			continue
		}
		n = spread(acc, st.users[sc.nbrs[i].u].faves, score, touched, n)
	}
	exclude(st, u, sc.acc, 0)
	sc.touched = touched[:n]
}
