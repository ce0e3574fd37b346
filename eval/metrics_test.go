package eval

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var approx = cmpopts.EquateApprox(0, 1e-12)

func TestHitsMetrics(t *testing.T) {
	// log2(2) = 1, log2(3) = 1.5849625, log2(4) = 2, log2(6) = 2.5849625.
	tests := []struct {
		name             string
		ranked, held     []string
		k                int
		hr, recall, ndcg float64
	}{
		{"hit at rank 1", []string{"a", "b", "c"}, []string{"a"}, 2, 1, 1, 1},
		{"hit at rank 3, k 3", []string{"a", "b", "c"}, []string{"c"}, 3, 1, 1, 0.5},
		{"hit at rank 3, k 2", []string{"a", "b", "c"}, []string{"c"}, 2, 0, 0, 0},
		{"miss", []string{"a", "b"}, []string{"z"}, 10, 0, 0, 0},
		{"empty ranking", nil, []string{"z"}, 10, 0, 0, 0},
		{"nothing held out", []string{"a"}, nil, 10, 0, 0, 0},
		// Two held out, hits at ranks 2 and 5: DCG@5 = 1/log2(3) + 1/log2(6); IDCG = 1 + 1/log2(3).
		{"two held, both in top 5", []string{"a", "x", "b", "c", "y"}, []string{"x", "y"}, 5, 1, 1,
			(1/math.Log2(3) + 1/math.Log2(6)) / (1 + 1/math.Log2(3))},
		// Only rank 2 within k 3: recall 1/2, NDCG (1/log2(3)) / (1 + 1/log2(3)).
		{"two held, one in top 3", []string{"a", "x", "b", "c", "y"}, []string{"x", "y"}, 3, 1, 0.5,
			(1 / math.Log2(3)) / (1 + 1/math.Log2(3))},
		// k 1 with two held out: the ideal is one hit at rank 1.
		{"two held, k 1, hit at 1", []string{"y", "x"}, []string{"x", "y"}, 1, 1, 0.5, 1},
		// Three held, k 2, hits at 1 and 2: the ideal caps at min(k, held) = 2 positions.
		{"three held, k 2, perfect", []string{"x", "y", "z"}, []string{"x", "y", "z"}, 2, 1, 2.0 / 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Score(tt.ranked, tt.held)
			got := []float64{h.HitRate(tt.k), h.Recall(tt.k), h.NDCG(tt.k)}
			want := []float64{tt.hr, tt.recall, tt.ndcg}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("[HR Recall NDCG]@%d (-want +got):\n%s", tt.k, diff)
			}
		})
	}
}

func TestTally(t *testing.T) {
	// Catalog of 8 photos; three users.
	tl := NewTally([]int{1, 3}, 8)
	tl.Add([]string{"a", "b", "c"}, []string{"b"}) // hit at rank 2
	tl.Add([]string{"a", "d", "e"}, []string{"a"}) // hit at rank 1
	tl.Add(nil, []string{"q"})                     // nothing recommended
	tl.AddWhy([]bool{true, false, true})
	tl.AddWhy([]bool{false, false, true})
	tl.AddWhy(nil)
	got := tl.Metrics()
	want := Metrics{
		Users:  3,
		NoRecs: 1,
		HR:     AtK{1: 1.0 / 3, 3: 2.0 / 3},
		Recall: AtK{1: 1.0 / 3, 3: 2.0 / 3},
		// NDCG@3: user 1 has 1/log2(3), user 2 has 1, user 3 has 0.
		NDCG: AtK{1: 1.0 / 3, 3: (1/math.Log2(3) + 1) / 3},
		// Top 1: {a}; top 3: {a, b, c, d, e}.
		Coverage: AtK{1: 1.0 / 8, 3: 5.0 / 8},
		// Top 1: one of two items explained; top 3: three of six.
		Explained: AtK{1: 0.5, 3: 0.5},
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("Metrics (-want +got):\n%s", diff)
	}
}

func TestTallyEmpty(t *testing.T) {
	got := NewTally([]int{10}, 0).Metrics()
	want := Metrics{HR: AtK{10: 0}, Recall: AtK{10: 0}, NDCG: AtK{10: 0}, Coverage: AtK{10: 0}, Explained: AtK{10: 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Metrics of nothing (-want +got):\n%s", diff)
	}
}
