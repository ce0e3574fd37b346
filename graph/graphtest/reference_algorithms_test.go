package graphtest

import (
	"testing"

	"github.com/photorec/photorec/graph"
)

// The reference must agree with the hand-computed walk figures before it judges any backend.
func TestModelAlgorithmsHandComputed(t *testing.T) {
	tests := []struct {
		algo    graph.Algorithm
		dismiss string
		want    []scored
	}{
		{graph.ItemKNN, "", []scored{{"p4", knnP4}, {"p3", knnP3}}},
		{graph.RP3Beta, "", []scored{{"p4", rp3P4}, {"p3", rp3P3}}},
		{graph.Blend, "", []scored{{"p4", blendP4}, {"p3", blendP3}}},
		{graph.ItemKNN, "p4", []scored{{"p3", knnP3}}},
		{graph.RP3Beta, "p4", []scored{{"p3", rp3P3}}},
		// Dismissing p4 cancels the one common fave of a and of b: Flexplore has nothing left.
		{graph.Blend, "p4", []scored{{"p3", 1 - graph.BlendWeight}}},
		{graph.Flexplore, "", []scored{{"p4", walkA + walkB}, {"p3", walkB}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.algo)+" dismiss "+tt.dismiss, func(t *testing.T) {
			m := modelOf(walk)
			if tt.dismiss != "" {
				m.DismissPhoto("u", tt.dismiss)
			}
			got := m.RankPhotos("u", tt.algo, graph.DefaultWhy)
			checkScores(t, "scores", photoScores(got), tt.want)
			wantWhy := map[string][]scored{"p4": {{"a", walkA}, {"b", walkB}}, "p3": {{"b", walkB}}}
			if tt.dismiss != "" {
				wantWhy = nil
			}
			checkWhy(t, got, wantWhy)
		})
	}
}
