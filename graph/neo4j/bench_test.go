package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/photorec/photorec/graph"
)

// benchWorld loads a synthetic world into s: users users, each faving faves photos chosen from
// photos photos owned by the users themselves, in batches of 100. It returns the first user.
func benchWorld(b *testing.B, s *Store, users, photos, faves int) string {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	uid := func(i int) string { return fmt.Sprintf("%d@N01", 10000+i) }
	for u := 0; u < users; u++ {
		batch := graph.FavesBatch{User: uid(u), PullID: "bench", At: t0}
		for _, p := range r.Perm(photos)[:faves] {
			batch.Faves = append(batch.Faves, graph.Fave{
				Photo:   graph.Photo{ID: fmt.Sprint(5000000 + p), Owner: uid(p % users), Title: "photo"},
				FavedAt: t0,
			})
			if len(batch.Faves) == 100 {
				if err := s.AddFaves(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
				batch.Faves = nil
			}
		}
		if err := s.AddFaves(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	return uid(0)
}

// BenchmarkNeo4j measures ingest and the rankings on a real Neo4j (TEST_NEO4J_URI); it reports
// faves/s for ingest and ms per page for the reads.
func BenchmarkNeo4j(b *testing.B) {
	const users, photos, faves = 300, 3000, 100
	s := openTestStore(b)
	b.Run("AddFaves", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			batch := graph.FavesBatch{User: fmt.Sprintf("ingest-%d", i), PullID: "bench", At: t0}
			for j := 0; j < 100; j++ {
				batch.Faves = append(batch.Faves, graph.Fave{Photo: graph.Photo{ID: fmt.Sprint(9000000 + j), Owner: "owner"}})
			}
			if err := s.AddFaves(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "faves/s")
	})
	me := benchWorld(b, s, users, photos, faves)
	for _, algo := range []graph.Algorithm{graph.Flexplore, graph.Popularity, graph.ItemKNN, graph.RP3Beta, graph.Blend} {
		b.Run("RecommendPhotos/"+string(algo), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.RecommendPhotos(context.Background(), me, graph.RecOptions{Algorithm: algo, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
	b.Run("RecommendUsers", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.RecommendUsers(context.Background(), me, graph.RecOptions{Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
	})
}
