package graphtest

import (
	"math"
	"sort"

	"github.com/photorec/photorec/graph"
)

// RankPhotos returns u's whole photo ranking under any algorithm of graph/algorithms.go (the
// Flexplore and Popularity rankings come from RecommendPhotos), each with at most why
// contributions. ItemKNN, RP3Beta and Blend are computed straight from their definitions.
func (m *Model) RankPhotos(u string, algo graph.Algorithm, why int) []graph.PhotoRec {
	switch algo {
	case graph.ItemKNN, graph.RP3Beta, graph.Blend:
	default:
		return m.RecommendPhotos(u, algo, why)
	}
	deg := map[string]float64{}
	for _, set := range m.Faves {
		for pid := range set {
			deg[pid]++
		}
	}
	favers := func(p string) map[string]bool {
		out := map[string]bool{}
		for v, set := range m.Faves {
			if _, ok := set[p]; ok {
				out[v] = true
			}
		}
		return out
	}
	// Candidates carry Flexplore's Why (and score, for Blend).
	flex := map[string]graph.PhotoRec{}
	for _, r := range m.RecommendPhotos(u, graph.Flexplore, why) {
		flex[r.Photo.ID] = r
	}
	neighbors := m.Neighbors(u)
	itemKNN := func(p string) float64 {
		fp, s := favers(p), 0.0
		for q := range m.Faves[u] {
			co := 0
			for v := range favers(q) {
				if fp[v] {
					co++
				}
			}
			s += float64(co) / math.Sqrt(deg[q]*deg[p])
		}
		return s
	}
	rp3 := func(p string) float64 {
		fp, s := favers(p), 0.0
		for q := range m.Faves[u] {
			for v := range favers(q) {
				if fp[v] {
					s += 1 / (deg[q] * float64(len(m.Faves[v])))
				}
			}
		}
		if s == 0 {
			return 0
		}
		return s / math.Pow(deg[p], graph.RP3BetaBeta)
	}
	type cand struct {
		rec       graph.PhotoRec
		flex, rp3 float64
	}
	var cands []cand
	var maxFlex, maxRP3 float64
	for _, p := range m.Photos {
		if m.excluded(u, p) {
			continue
		}
		c := cand{rec: graph.PhotoRec{Photo: p, Owner: m.Users[p.Owner]}}
		switch algo {
		case graph.ItemKNN:
			c.rec.Score = itemKNN(p.ID)
		case graph.RP3Beta:
			c.rec.Score = rp3(p.ID)
		case graph.Blend:
			c.flex, c.rp3 = flex[p.ID].Score, rp3(p.ID)
			maxFlex, maxRP3 = math.Max(maxFlex, c.flex), math.Max(maxRP3, c.rp3)
		}
		cands = append(cands, c)
	}
	var out []graph.PhotoRec
	for _, c := range cands {
		if algo == graph.Blend {
			if maxFlex > 0 {
				c.rec.Score += graph.BlendWeight * c.flex / maxFlex
			}
			if maxRP3 > 0 {
				c.rec.Score += (1 - graph.BlendWeight) * c.rp3 / maxRP3
			}
		}
		if c.rec.Score <= 0 {
			continue
		}
		c.rec.Why = whyOfPhoto(m, neighbors, c.rec.Photo.ID, why)
		out = append(out, c.rec)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Photo.ID < out[j].Photo.ID
	})
	return out
}

// whyOfPhoto lists the positive-score neighbors who faved p, strongest first, at most n.
func whyOfPhoto(m *Model, neighbors []graph.Neighbor, p string, n int) []graph.Contribution {
	var out []graph.Contribution
	for _, nb := range neighbors {
		if _, ok := m.Faves[nb.User.NSID][p]; ok && nb.Score > 0 {
			out = append(out, graph.Contribution{User: nb.User, Score: nb.Score})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].User.NSID < out[j].User.NSID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
