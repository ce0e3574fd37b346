package embedded

import (
	"math"
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
		sc.flexplore(st)
		var maxF, maxR float64
		for _, p := range sc.touched {
			if sc.eligible(st, u, p) {
				maxF = math.Max(maxF, sc.acc[p])
			}
		}
		for _, p := range ws.scored {
			if sc.eligible(st, u, p) {
				maxR = math.Max(maxR, ws.second[p])
			}
			if sc.acc[p] == 0 {
				sc.touched = append(sc.touched, p)
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
// deg(p)^RP3BetaBeta.
func (sc *scratch) walk(st *state, u uint32, ws *walkScratch, rp3 bool, out []float64, touched *[]uint32) {
	w, reached := ws.w, ws.reached[:0]
	for _, q := range st.users[u].faves {
		favers := st.favers[q]
		d := float64(len(favers))
		step := 1 / math.Sqrt(d)
		if rp3 {
			step = 1 / d
		}
		for _, v := range favers {
			if v == u {
				continue
			}
			if w[v] == 0 {
				reached = append(reached, v)
			}
			w[v] += step
		}
	}
	pflag, list := sc.pflag, *touched
	for _, v := range reached {
		faves := st.users[v].faves
		step := w[v]
		w[v] = 0
		if rp3 {
			step /= float64(len(faves))
		}
		for _, p := range faves {
			if pflag[p] != 0 {
				continue
			}
			if out[p] == 0 {
				list = append(list, p)
			}
			out[p] += step
		}
	}
	for _, p := range list {
		d := float64(len(st.favers[p]))
		if rp3 {
			out[p] /= math.Pow(d, graph.RP3BetaBeta)
		} else {
			out[p] /= math.Sqrt(d)
		}
	}
	ws.reached, *touched = reached[:0], list
}

// flexplore sums the Flexplore photo scores of the neighbors in sc.nbrs into sc.acc.
func (sc *scratch) flexplore(st *state) {
	acc, touched, pflag := sc.acc, sc.touched, sc.pflag
	for i := range sc.nbrs {
		score := sc.nbrs[i].score
		if score <= 0 {
			continue
		}
		for _, p := range st.users[sc.nbrs[i].u].faves {
			if pflag[p] != 0 {
				continue
			}
			if acc[p] == 0 {
				touched = append(touched, p)
			}
			acc[p] += score
		}
	}
	sc.touched = touched
}
