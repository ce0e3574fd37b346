package graphtest

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/photorec/photorec/graph"
)

// RecommendPhotos returns u's whole photo ranking under algo (graph/algorithms.go), each with
// its reasons naming at most why people. Every term is computed straight from its definition.
func (m *Model) RecommendPhotos(u string, algo graph.Algorithm, why int) []graph.PhotoRec {
	info, ok := graph.LookupAlgorithm(algo)
	if !ok {
		return nil
	}
	hp := m.Params.Hybrid
	deg := m.degrees()
	nbList := m.Neighbors(u) // by NSID
	neighbors := map[string]graph.Neighbor{}
	for _, n := range nbList {
		neighbors[n.User.NSID] = n
	}
	took := map[string]int{}
	for _, p := range m.Photos {
		took[p.Owner]++
	}
	common := func(v string) int {
		c := 0
		for pid := range m.Faves[v] {
			if _, ok := m.Faves[u][pid]; ok {
				c++
			}
		}
		return c
	}
	mult := func(x string) float64 { // m(x) of a contact
		if m.Contacts[x][u] {
			return 2
		}
		return 1
	}
	flex := func(p string) float64 {
		var s float64
		for _, n := range nbList {
			if _, ok := m.Faves[n.User.NSID][p]; ok && n.Score > 0 {
				s += n.Score
			}
		}
		return s
	}
	knn := func(p string) float64 {
		if deg[p] == 0 {
			return 0
		}
		fp, s := m.favers(p), 0.0
		for q := range m.Faves[u] {
			co := 0
			for v := range m.favers(q) {
				if fp[v] {
					co++
				}
			}
			s += float64(co) / math.Sqrt(deg[q]*deg[p])
		}
		return s
	}
	walkers := map[graph.WalkParams]map[string]float64{}
	walk := func(p string, w graph.WalkParams) float64 {
		via, ok := walkers[w]
		if !ok {
			via = m.coFavers(u, w, deg)
			walkers[w] = via
		}
		s := 0.0
		for v := range m.favers(p) {
			s += via[v]
		}
		if s == 0 {
			return 0
		}
		return s / math.Pow(deg[p], w.Beta)
	}
	owners := func(p graph.Photo) float64 {
		n, ok := neighbors[p.Owner]
		if !ok || n.Taken == 0 {
			return 0
		}
		share := float64(n.Taken) / float64(len(m.Faves[u]))
		return math.Pow(share, hp.OwnerShareExp) * math.Pow(float64(took[p.Owner]), hp.OwnerCountExp)
	}
	followPhotos := func(p graph.Photo) float64 {
		if !m.Contacts[u][p.Owner] {
			return 0
		}
		return mult(p.Owner)
	}
	contactFaves := func(p string) float64 {
		var s float64
		for _, c := range sortedKeys(m.Contacts[u]) {
			if _, ok := m.Faves[c][p]; ok {
				s += mult(c)
			}
		}
		return s
	}

	// The raw terms of every candidate, then the maxima the weighted terms divide by.
	type cand struct {
		rec   graph.PhotoRec
		terms [4]float64 // algorithm-specific, see below
	}
	var cands []cand
	var maxima [4]float64
	for _, p := range m.Photos {
		if m.excluded(u, p) {
			continue
		}
		c := cand{rec: graph.PhotoRec{Photo: p, Owner: m.Users[p.Owner]}}
		switch algo {
		case graph.Flexplore:
			c.terms[0] = flex(p.ID)
		case graph.Popularity:
			c.terms[0] = deg[p.ID]
		case graph.ItemKNN:
			c.terms[0] = knn(p.ID)
		case graph.RP3Beta:
			c.terms[0] = walk(p.ID, m.Params.Walk)
		case graph.Blend:
			c.terms[0], c.terms[1] = flex(p.ID), walk(p.ID, graph.LegacyWalk)
		case graph.Owners:
			c.terms[0] = owners(p)
		case graph.Follows:
			c.terms[2], c.terms[3] = followPhotos(p), contactFaves(p.ID)
		case graph.Hybrid:
			c.terms = [4]float64{walk(p.ID, m.Params.Walk), owners(p), followPhotos(p), contactFaves(p.ID)}
		}
		for i, t := range c.terms {
			maxima[i] = math.Max(maxima[i], t)
		}
		cands = append(cands, c)
	}
	weigh := func(w, v, top float64) float64 {
		if top == 0 || w == 0 {
			return 0
		}
		return w * v / top
	}
	var out []graph.PhotoRec
	for _, c := range cands {
		type share struct {
			kind graph.ReasonKind
			v    float64
		}
		var shares []share
		t := c.terms
		switch algo {
		case graph.Flexplore:
			c.rec.Score = t[0]
			shares = []share{{graph.ReasonNeighbors, t[0]}}
		case graph.Popularity:
			c.rec.Score = t[0]
		case graph.ItemKNN, graph.RP3Beta:
			c.rec.Score = t[0]
			shares = []share{{graph.ReasonCoFavers, t[0]}}
		case graph.Owners:
			c.rec.Score = t[0]
			shares = []share{{graph.ReasonOwnerFaved, t[0]}}
		case graph.Blend:
			f := weigh(graph.BlendWeight, t[0], maxima[0])
			w := weigh(1-graph.BlendWeight, t[1], maxima[1])
			c.rec.Score = f + w
			shares = []share{{graph.ReasonCoFavers, w}, {graph.ReasonNeighbors, f}}
		case graph.Follows, graph.Hybrid:
			wW, wO := hp.Walk, hp.Owner
			if algo == graph.Follows {
				wW, wO = 0, 0
			}
			shares = []share{
				{graph.ReasonCoFavers, weigh(wW, t[0], maxima[0])},
				{graph.ReasonOwnerFaved, weigh(wO, t[1], maxima[1])},
				{graph.ReasonOwnerFollowed, weigh(hp.FollowPhotos, t[2], maxima[2])},
				{graph.ReasonContactsFaved, weigh(hp.ContactFaves, t[3], maxima[3])},
			}
			c.rec.Score = shares[0].v + shares[1].v + shares[2].v + shares[3].v
		}
		if c.rec.Score <= 0 {
			continue
		}
		if algo == graph.Popularity {
			c.rec.Reasons = []graph.Reason{{Kind: graph.ReasonPopular, Count: int(t[0])}}
			out = append(out, c.rec)
			continue
		}
		shares = slices.DeleteFunc(shares, func(s share) bool { return s.v <= 0 })
		sort.SliceStable(shares, func(i, j int) bool {
			if !graph.ShareTie(shares[i].v, shares[j].v) {
				return shares[i].v > shares[j].v
			}
			return slices.Index(info.Reasons, shares[i].kind) < slices.Index(info.Reasons, shares[j].kind)
		})
		p := c.rec.Photo
		for _, sh := range shares {
			r := graph.Reason{Kind: sh.kind}
			switch sh.kind {
			case graph.ReasonNeighbors:
				for _, n := range nbList {
					if _, ok := m.Faves[n.User.NSID][p.ID]; ok && n.Score > 0 {
						r.Users = append(r.Users, graph.Contribution{User: n.User, Score: n.Score, Common: n.Common})
					}
				}
			case graph.ReasonCoFavers:
				for v := range m.favers(p.ID) {
					if c := common(v); v != u && c > 0 {
						r.Users = append(r.Users, graph.Contribution{User: m.Users[v], Score: float64(c), Common: c})
					}
				}
			case graph.ReasonOwnerFaved:
				n := neighbors[p.Owner]
				r.Count = n.Taken
				r.Users = []graph.Contribution{{User: m.Users[p.Owner], Score: float64(n.Taken)}}
			case graph.ReasonOwnerFollowed:
				r.Count = 1
				r.Users = []graph.Contribution{{User: m.Users[p.Owner], Score: mult(p.Owner)}}
			case graph.ReasonContactsFaved:
				for _, c := range sortedKeys(m.Contacts[u]) {
					if _, ok := m.Faves[c][p.ID]; ok {
						r.Users = append(r.Users, graph.Contribution{User: m.Users[c], Score: mult(c)})
					}
				}
			}
			if sh.kind != graph.ReasonOwnerFaved && sh.kind != graph.ReasonOwnerFollowed {
				r.Count = len(r.Users)
				r.Users = strongest(r.Users, why)
			}
			c.rec.Reasons = append(c.rec.Reasons, r)
		}
		out = append(out, c.rec)
	}
	sortRecs(out)
	return out
}

// SimilarPhotos returns the whole "more like this" ranking of seed for viewer ("" for anyone),
// each with its also_faved reason naming at most why people.
func (m *Model) SimilarPhotos(seed, viewer string, why int) []graph.PhotoRec {
	deg := m.degrees()
	seedFavers := m.favers(seed)
	alpha, beta := m.Params.Walk.Alpha, m.Params.Walk.Beta
	var out []graph.PhotoRec
	for _, p := range m.Photos {
		if p.ID == seed || viewer != "" && m.excluded(viewer, p) {
			continue
		}
		var s float64
		var r graph.Reason
		r.Kind = graph.ReasonAlsoFaved
		for v := range m.favers(p.ID) {
			if !seedFavers[v] || v == viewer {
				continue
			}
			s += math.Pow(float64(len(m.Faves[v])), -alpha)
			c := 0
			if viewer != "" {
				for pid := range m.Faves[v] {
					if _, ok := m.Faves[viewer][pid]; ok {
						c++
					}
				}
			}
			r.Users = append(r.Users, graph.Contribution{User: m.Users[v], Score: float64(c), Common: c})
		}
		if s == 0 {
			continue
		}
		r.Count = len(r.Users)
		r.Users = strongest(r.Users, why)
		out = append(out, graph.PhotoRec{Photo: p, Owner: m.Users[p.Owner], Score: s / math.Pow(deg[p.ID], beta), Reasons: []graph.Reason{r}})
	}
	sortRecs(out)
	return out
}

// coFavers returns the co-favers of u the walk goes on through under w, with their weights
// w(v) (graph/algorithms.go, RP3Beta).
func (m *Model) coFavers(u string, w graph.WalkParams, deg map[string]float64) map[string]float64 {
	type cf struct {
		v string
		w float64
	}
	var all []cf
	for v, set := range m.Faves {
		if v == u {
			continue
		}
		var s float64
		shared := false
		for _, q := range sortedKeys(toSet(m.Faves[u])) {
			if _, ok := set[q]; ok {
				s += math.Pow(deg[q], -w.Alpha)
				shared = true
			}
		}
		if shared {
			all = append(all, cf{v, s * math.Pow(float64(len(set)), -w.Alpha)})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].w != all[j].w {
			return all[i].w > all[j].w
		}
		return all[i].v < all[j].v
	})
	if w.Users > 0 && len(all) > w.Users {
		all = all[:w.Users]
	}
	out := map[string]float64{}
	for _, c := range all {
		out[c.v] = c.w
	}
	return out
}

// toSet is the key set of a fave map.
func toSet(faves map[string]time.Time) map[string]bool {
	out := make(map[string]bool, len(faves))
	for k := range faves {
		out[k] = true
	}
	return out
}

// strongest sorts people score desc, NSID asc, and keeps the first n.
func strongest(us []graph.Contribution, n int) []graph.Contribution {
	sort.Slice(us, func(i, j int) bool {
		if us[i].Score != us[j].Score {
			return us[i].Score > us[j].Score
		}
		return us[i].User.NSID < us[j].User.NSID
	})
	if len(us) > n {
		us = us[:n]
	}
	return us
}

func sortRecs(out []graph.PhotoRec) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Photo.ID < out[j].Photo.ID
	})
}

// degrees counts every photo's favers.
func (m *Model) degrees() map[string]float64 {
	deg := map[string]float64{}
	for _, set := range m.Faves {
		for pid := range set {
			deg[pid]++
		}
	}
	return deg
}

// favers is the set of users who fave p.
func (m *Model) favers(p string) map[string]bool {
	out := map[string]bool{}
	for v, set := range m.Faves {
		if _, ok := set[p]; ok {
			out[v] = true
		}
	}
	return out
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
