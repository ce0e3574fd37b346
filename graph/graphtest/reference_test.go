package graphtest

import (
	"sort"
	"testing"

	"github.com/photorec/photorec/graph"
)

func modelOf(f fixture) *Model {
	m := NewModel(graph.DefaultParams())
	users := make([]string, 0, len(f.faves))
	for u := range f.faves {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		b := graph.FavesBatch{User: u, At: t0}
		for i, pid := range f.faves[u] {
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(pid, f.owners[pid]), FavedAt: at(i + 1)})
		}
		m.AddFaves(b)
	}
	return m
}

// The reference must agree with the hand-computed figures before it judges any backend.
func TestModelHandComputed(t *testing.T) {
	tests := []struct {
		name    string
		dismiss []string
		want    []scored
		users   []scored
	}{
		{"plain", nil, []scored{{"pc1", scoreA + scoreB}, {"px1", scoreB}, {"pc2", scoreA}}, []scored{{"b", scoreB}, {"a", scoreA}}},
		{"dismiss px1", []string{"px1"}, []scored{{"pc1", scoreA + scoreBMinus1}, {"pc2", scoreA}}, []scored{{"a", scoreA}, {"b", scoreBMinus1}}},
		{"dismiss px1 pc1", []string{"px1", "pc1"}, nil, []scored{{"a", 0}, {"b", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := modelOf(basic)
			for _, p := range tt.dismiss {
				m.DismissPhoto("u", p)
			}
			checkScores(t, "photos", photoScores(m.RecommendPhotos("u", graph.Flexplore, 3)), tt.want)
			checkScores(t, "users", userScores(m.RecommendUsers("u")), tt.users)
		})
	}
}

func TestModelPopularity(t *testing.T) {
	m := modelOf(basic)
	checkScores(t, "popularity for x", photoScores(m.RecommendPhotos("x", graph.Popularity, 3)), []scored{
		{"pa1", 3}, {"pa2", 2}, {"pb1", 2}, {"pc1", 2}, {"pc2", 1}, {"pu1", 1},
	})
}

// checkRanking must catch a swapped pair of clearly separated items and accept a swapped near-tie.
func TestCheckRanking(t *testing.T) {
	want := []ranked{{"a", 3}, {"b", 2 * (1 + 1e-12)}, {"c", 2}, {"d", 1}}
	tests := []struct {
		name string
		got  []ranked
		fail bool
	}{
		{"same", want, false},
		{"near tie in another order", []ranked{{"a", 3}, {"c", 2}, {"b", 2 * (1 - 1e-12)}, {"d", 1}}, false},
		{"swapped", []ranked{{"b", 3}, {"a", 2}, {"c", 2}, {"d", 1}}, true},
		{"missing", []ranked{{"a", 3}, {"b", 2}, {"c", 2}}, true},
		{"wrong score", []ranked{{"a", 3}, {"b", 2}, {"c", 2}, {"d", 1.5}}, true},
		{"duplicate", []ranked{{"a", 3}, {"b", 2}, {"b", 2}, {"d", 1}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := rankingProblems(tt.got, want)
			if (len(problems) > 0) != tt.fail {
				t.Errorf("rankingProblems = %q, want failure %v", problems, tt.fail)
			}
		})
	}
}
