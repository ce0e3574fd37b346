package graphtest

import (
	"testing"

	"github.com/photorec/photorec/graph"
)

// The reference must agree with the hand-computed figures before it judges any backend.
func TestModelTasteHandComputed(t *testing.T) {
	m := NewModel(graph.DefaultParams())
	loadTaste(t, nil, m)
	hp := graph.DefaultParams().Hybrid
	got := photoScores(m.RecommendPhotos("u", graph.Owners, graph.DefaultWhy))
	checkScores(t, "owners", got, []scored{
		{"pa3", pw(2.0/3, hp.OwnerShareExp) * pw(3, hp.OwnerCountExp)},
		{"pb2", pw(1.0/3, hp.OwnerShareExp) * pw(2, hp.OwnerCountExp)},
	})
	got = photoScores(m.SimilarPhotos("p3", "u", graph.DefaultWhy))
	checkScores(t, "photos like p3 for u", got, []scored{{"pc", pw(3, -alpha)}, {"pb2", pw(3, -alpha) / pw(2, beta)}})
}

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
	neighbors := map[string][]scored{"p4": {{"a", walkA}, {"b", walkB}}, "p3": {{"b", walkB}}}
	coFavers := map[string][]scored{"p4": {{"a", 1}, {"b", 1}}, "p3": {{"b", 1}}}
	for _, tt := range tests {
		t.Run(string(tt.algo)+" dismiss "+tt.dismiss, func(t *testing.T) {
			m := modelOf(walk)
			if tt.dismiss != "" {
				m.DismissPhoto("u", tt.dismiss)
			}
			got := m.RecommendPhotos("u", tt.algo, graph.DefaultWhy)
			checkScores(t, "scores", photoScores(got), tt.want)
			switch {
			case tt.dismiss != "":
				checkPeople(t, got, graph.ReasonNeighbors, nil)
			case tt.algo == graph.Flexplore:
				checkPeople(t, got, graph.ReasonNeighbors, neighbors)
			default:
				checkPeople(t, got, graph.ReasonCoFavers, coFavers)
			}
		})
	}
}
