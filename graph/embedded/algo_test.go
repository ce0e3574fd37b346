package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/graphtest"
)

func TestAlgorithms(t *testing.T) {
	graphtest.RunAlgorithms(t, func(t *testing.T) graph.Store {
		t.Helper()
		return openTest(t, t.TempDir())
	})
}

// TestDefaultAlgorithm checks that Options.Default names the ranking used for Algorithm "".
func TestDefaultAlgorithm(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, Options{Dir: t.TempDir(), Default: "magic"}); err == nil {
		t.Error("Open with Default \"magic\": no error")
	}
	// u faves p1 (by a) and p2 (by b); a faves p2, p4; b faves p1, p3, p4.
	faves := map[string][]graph.Photo{
		"10@N01": {{ID: "1", Owner: "11@N01"}, {ID: "2", Owner: "12@N01"}},
		"11@N01": {{ID: "2", Owner: "12@N01"}, {ID: "4", Owner: "12@N01"}},
		"12@N01": {{ID: "1", Owner: "11@N01"}, {ID: "3", Owner: "11@N01"}, {ID: "4", Owner: "12@N01"}},
	}
	for _, def := range graph.AlgorithmNames() {
		t.Run(string(def), func(t *testing.T) {
			s, err := Open(ctx, Options{Dir: t.TempDir(), Default: def})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for user, photos := range faves {
				b := graph.FavesBatch{User: user, PullID: "p", At: time.Unix(1e9, 0)}
				for _, p := range photos {
					b.Faves = append(b.Faves, graph.Fave{Photo: p})
				}
				if err := s.AddFaves(ctx, b); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.RecommendPhotos(ctx, "10@N01", graph.RecOptions{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.RecommendPhotos(ctx, "10@N01", graph.RecOptions{Limit: 10, Algorithm: def})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Algorithm \"\" differs from %s (-named +default):\n%s", def, diff)
			}
			want2 := 2 // 3 and 4; Follows has nothing: 10 follows nobody
			if def == graph.Follows {
				want2 = 0
			}
			if len(got.Items) != want2 {
				t.Errorf("%d photos, want %d", len(got.Items), want2)
			}
		})
	}
}
