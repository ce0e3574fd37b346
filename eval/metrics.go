package eval

import (
	"math"
	"slices"
)

// Hits are one user's ranking outcome: the 1-based ranks at which held-out photos appear in the
// ranking (ascending), and how many photos were held out.
type Hits struct {
	Ranks []int
	Held  int
}

// Score finds the held-out photos in ranked (best first).
func Score(ranked []string, held []string) Hits {
	h := Hits{Held: len(held)}
	for i, id := range ranked {
		if slices.Contains(held, id) {
			h.Ranks = append(h.Ranks, i+1)
		}
	}
	return h
}

// HitRate is 1 when a held-out photo ranks in the top k, else 0.
func (h Hits) HitRate(k int) float64 {
	if len(h.Ranks) > 0 && h.Ranks[0] <= k {
		return 1
	}
	return 0
}

// Recall is the share of the held-out photos that rank in the top k (0 when none is held out).
func (h Hits) Recall(k int) float64 {
	if h.Held == 0 {
		return 0
	}
	return float64(h.within(k)) / float64(h.Held)
}

// NDCG is the normalised discounted cumulative gain at k with binary relevance: the sum of
// 1/log2(rank+1) over held-out photos in the top k, divided by the same sum for an ideal ranking
// (the min(k, Held) held-out photos first).
func (h Hits) NDCG(k int) float64 {
	var dcg, ideal float64
	for _, r := range h.Ranks {
		if r <= k {
			dcg += 1 / math.Log2(float64(r)+1)
		}
	}
	for i := 1; i <= min(k, h.Held); i++ {
		ideal += 1 / math.Log2(float64(i)+1)
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

func (h Hits) within(k int) int {
	n := 0
	for _, r := range h.Ranks {
		if r <= k {
			n++
		}
	}
	return n
}

// AtK is one metric at each cut-off, keyed by K.
type AtK map[int]float64

// Tally accumulates per-user outcomes into the means of a Result.
type Tally struct {
	ks        []int
	users     int
	noRecs    int
	hr, rec   AtK
	ndcg      AtK
	shown     map[int]map[string]bool // K -> photos in any top K
	catalog   int
	listed    map[int]int // K -> items in top-K lists, summed over users
	explained map[int]int // K -> those with a non-empty Why
}

// NewTally tallies metrics at the cut-offs ks over a catalog of the given size (the photos
// the engine could recommend: those with a training fave).
func NewTally(ks []int, catalog int) *Tally {
	t := &Tally{ks: ks, hr: AtK{}, rec: AtK{}, ndcg: AtK{}, shown: map[int]map[string]bool{}, catalog: catalog,
		listed: map[int]int{}, explained: map[int]int{}}
	for _, k := range ks {
		t.shown[k] = map[string]bool{}
	}
	return t
}

// Add records one evaluated user: their ranking (best first, at least max K long when the engine
// had that many photos) and their held-out photos.
func (t *Tally) Add(ranked, held []string) {
	t.users++
	if len(ranked) == 0 {
		t.noRecs++
	}
	h := Score(ranked, held)
	for _, k := range t.ks {
		t.hr[k] += h.HitRate(k)
		t.rec[k] += h.Recall(k)
		t.ndcg[k] += h.NDCG(k)
		for _, id := range ranked[:min(k, len(ranked))] {
			t.shown[k][id] = true
		}
	}
}

// AddWhy records which items of a user's ranking (best first) came with a non-empty Why: the
// recommendations the product can explain ("faved by these photographers you follow the taste of").
func (t *Tally) AddWhy(explained []bool) {
	for _, k := range t.ks {
		for _, e := range explained[:min(k, len(explained))] {
			t.listed[k]++
			if e {
				t.explained[k]++
			}
		}
	}
}

// Metrics are the means over evaluated users, and catalog coverage.
type Metrics struct {
	Users    int `json:"users"`    // evaluated users (with held-out photos)
	NoRecs   int `json:"no_recs"`  // evaluated users who got an empty ranking
	HR       AtK `json:"hr"`       // mean hit rate at K
	Recall   AtK `json:"recall"`   // mean recall at K
	NDCG     AtK `json:"ndcg"`     // mean NDCG at K
	Coverage AtK `json:"coverage"` // distinct photos in any user's top K / catalog size
	// Explained is the share of recommended items in top-K lists (pooled over users) that
	// came with a non-empty Why; 0 when nothing was listed.
	Explained AtK `json:"explained"`
}

// Metrics returns the means so far (0 at every K when no user was added).
func (t *Tally) Metrics() Metrics {
	m := Metrics{Users: t.users, NoRecs: t.noRecs, HR: AtK{}, Recall: AtK{}, NDCG: AtK{}, Coverage: AtK{}, Explained: AtK{}}
	for _, k := range t.ks {
		m.HR[k], m.Recall[k], m.NDCG[k], m.Coverage[k], m.Explained[k] = 0, 0, 0, 0, 0
		if t.listed[k] > 0 {
			m.Explained[k] = float64(t.explained[k]) / float64(t.listed[k])
		}
		if t.users > 0 {
			m.HR[k] = t.hr[k] / float64(t.users)
			m.Recall[k] = t.rec[k] / float64(t.users)
			m.NDCG[k] = t.ndcg[k] / float64(t.users)
		}
		if t.catalog > 0 {
			m.Coverage[k] = float64(len(t.shown[k])) / float64(t.catalog)
		}
	}
	return m
}
