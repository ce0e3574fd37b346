package flickrtest

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRecommenderContrast checks that the world has latent structure recommenders can tell apart:
// on a leave-one-out split, item-kNN and RP3beta must find the held-out favorite more often than
// Flexplore (as on real Flickr data), and all three more often than popularity. The hit rates are
// logged; docs/simulator.md quotes them.
func TestRecommenderContrast(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("single-goroutine leave-one-out evaluation; skipped with -short and -race (run it without them)")
	}
	w := Generate(WorldOptions{Seed: 9, Users: 2000})
	ev := newEval(w)
	r := rand.New(rand.NewPCG(9, 9))
	const k = 50
	hits := map[string]int{}
	n := 0
	for u := 0; u < w.NumUsers() && n < 300; u += 3 {
		f := ev.userFaves[u]
		if len(f) < 20 {
			continue
		}
		held := f[r.IntN(len(f))]
		n++
		for name, score := range map[string]func(int, int32) []float64{
			"popularity": ev.popularity, "flexplore": ev.flexplore, "itemknn": ev.itemKNN, "rp3beta": ev.rp3beta,
		} {
			if ev.inTopK(u, held, score(u, held), k) {
				hits[name]++
			}
		}
	}
	rate := func(name string) float64 { return float64(hits[name]) / float64(n) }
	t.Logf("hit rate @%d over %d users (one held-out favorite each): popularity %.3f, flexplore %.3f, item-kNN %.3f, RP3beta %.3f",
		k, n, rate("popularity"), rate("flexplore"), rate("itemknn"), rate("rp3beta"))
	if rate("itemknn") <= rate("flexplore") || rate("rp3beta") <= rate("flexplore") {
		t.Errorf("item-kNN (%.3f) and RP3beta (%.3f) should beat Flexplore (%.3f)", rate("itemknn"), rate("rp3beta"), rate("flexplore"))
	}
	if rate("flexplore") <= rate("popularity") {
		t.Errorf("Flexplore (%.3f) should beat popularity (%.3f)", rate("flexplore"), rate("popularity"))
	}
}

// eval holds the fave graph in both directions for the offline recommenders.
type eval struct {
	w          *World
	userFaves  [][]int32 // user -> photos
	photoFaver [][]int32 // photo -> users
}

func newEval(w *World) *eval {
	ev := &eval{w: w, userFaves: make([][]int32, w.NumUsers()), photoFaver: make([][]int32, w.NumPhotos())}
	for u := range w.NumUsers() {
		for _, f := range w.faves[w.faveOff[u]:w.faveOff[u+1]] {
			ph := int32(f & 0xffffffff)
			ev.userFaves[u] = append(ev.userFaves[u], ph)
			ev.photoFaver[ph] = append(ev.photoFaver[ph], int32(u))
		}
	}
	return ev
}

// known is u's favorites minus the held-out one.
func (ev *eval) known(u int, held int32) []int32 {
	out := make([]int32, 0, len(ev.userFaves[u]))
	for _, p := range ev.userFaves[u] {
		if p != held {
			out = append(out, p)
		}
	}
	return out
}

// degree is a photo's faver count with u's held-out favorite removed.
func (ev *eval) degree(p, held int32) float64 {
	d := float64(len(ev.photoFaver[p]))
	if p == held {
		d--
	}
	return d
}

// inTopK reports whether held ranks in the top k of score among photos u may be recommended.
func (ev *eval) inTopK(u int, held int32, score []float64, k int) bool {
	skip := map[int32]bool{}
	for _, p := range ev.known(u, held) {
		skip[p] = true
	}
	for p := ev.w.photoStart[u]; p < ev.w.photoStart[u+1]; p++ {
		skip[p] = true
	}
	if skip[held] || score[held] <= 0 {
		return false
	}
	better := 0
	for p, s := range score {
		if !skip[int32(p)] && int32(p) != held && (s > score[held] || s == score[held] && int32(p) < held) {
			better++
			if better >= k {
				return false
			}
		}
	}
	return true
}

func (ev *eval) popularity(_ int, held int32) []float64 {
	s := make([]float64, len(ev.photoFaver))
	for p := range s {
		s[p] = ev.degree(int32(p), held)
	}
	return s
}

// flexplore follows graph/score.go: neighbors are owners of u's faves, scored by taste overlap.
func (ev *eval) flexplore(u int, held int32) []float64 {
	mine := ev.known(u, held)
	common := map[int32]int{}
	for _, p := range mine {
		for _, v := range ev.photoFaver[p] {
			if int(v) != u {
				common[v]++
			}
		}
	}
	s := make([]float64, len(ev.photoFaver))
	seen := map[int32]bool{}
	for _, p := range mine {
		n := ev.w.photoOwner[p]
		if int(n) == u || seen[n] {
			continue
		}
		seen[n] = true
		sc := 150 * math.Sqrt(float64(common[n])/(float64(len(ev.userFaves[n]))+250))
		for _, q := range ev.userFaves[n] {
			s[q] += sc
		}
	}
	return s
}

// walk sums, over paths u -> q -> v -> p, the weight wq(q) * wv(v) (v != u).
func (ev *eval) walk(u int, held int32, wq func(q int32) float64, wv func(v int32) float64) []float64 {
	s := make([]float64, len(ev.photoFaver))
	for _, q := range ev.known(u, held) {
		a := wq(q)
		for _, v := range ev.photoFaver[q] {
			if int(v) == u {
				continue
			}
			b := a * wv(v)
			for _, p := range ev.userFaves[v] {
				s[p] += b
			}
		}
	}
	return s
}

// itemKNN scores p by the summed co-occurrence of p with u's faves, normalised like cosine.
func (ev *eval) itemKNN(u int, held int32) []float64 {
	s := ev.walk(u, held, func(q int32) float64 { return 1 / math.Sqrt(ev.degree(q, held)) }, func(int32) float64 { return 1 })
	for p := range s {
		if d := ev.degree(int32(p), held); d > 0 {
			s[p] /= math.Sqrt(d)
		}
	}
	return s
}

// rp3beta is a three-step random walk user -> photo -> user -> photo, popularity-penalised by deg^0.5.
func (ev *eval) rp3beta(u int, held int32) []float64 {
	s := ev.walk(u, held, func(q int32) float64 { return 1 / ev.degree(q, held) },
		func(v int32) float64 { return 1 / float64(len(ev.userFaves[v])) })
	for p := range s {
		if d := ev.degree(int32(p), held); d > 0 {
			s[p] /= math.Pow(d, 0.5)
		}
	}
	return s
}
