package neo4j

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/graphtest"
)

// openTestStore opens the Neo4j named by TEST_NEO4J_URI (TEST_NEO4J_USER, TEST_NEO4J_PASSWORD,
// TEST_NEO4J_DATABASE), migrated and emptied, closed at cleanup. Without TEST_NEO4J_URI the test
// is skipped: Neo4j cannot be installed on the development machines, so these tests run where a
// Neo4j is reachable (e.g. `docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/password neo4j:5`).
func openTestStore(tb testing.TB) *Store {
	tb.Helper()
	uri := requireNeo4j(tb)
	ctx := context.Background()
	s, err := Open(ctx, Options{
		URI:      uri,
		Username: os.Getenv("TEST_NEO4J_USER"),
		Password: os.Getenv("TEST_NEO4J_PASSWORD"),
		Database: os.Getenv("TEST_NEO4J_DATABASE"),

		RankOnRead:      true, // reads see the writes before them, as the suite expects
		SkipSchemaCheck: true, // migrated just below
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := s.exec(ctx, cypher.DeleteAll, nil); err != nil {
		tb.Fatal(err)
	}
	return s
}

// requireNeo4j returns TEST_NEO4J_URI or skips the test.
func requireNeo4j(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv("TEST_NEO4J_URI")
	if uri == "" {
		tb.Skip("TEST_NEO4J_URI is not set: the Neo4j behavior tests need a real Neo4j (see openTestStore)")
	}
	return uri
}

// TestConformance runs the graph.Store conformance suite against Neo4j, including the ItemKNN,
// RP3Beta and Blend cases (graphtest.RunAlgorithms): the same hand-computed scores and brute-force
// reference the embedded engine is held to, so the two backends agree.
func TestConformance(t *testing.T) {
	requireNeo4j(t)
	open := func(t *testing.T) graph.Store {
		t.Helper()
		return openTestStore(t)
	}
	graphtest.Run(t, open)
	t.Run("Algorithms", func(t *testing.T) { graphtest.RunAlgorithms(t, open) })
}

// TestMigrateRecordsVersions checks that Migrate records every version once and that running it
// again applies nothing new.
func TestMigrateRecordsVersions(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	ms, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	got, err := read(ctx, s, func(t tx) ([]int64, error) {
		recs, err := run(ctx, t, cypher.AppliedMigrations, nil)
		var out []int64
		for _, r := range recs {
			out = append(out, integer(row{r}.get("version")))
		}
		return out, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("recorded versions %v, want 1..%d", got, len(ms))
	}
	for i, v := range got {
		if v != int64(i+1) {
			t.Errorf("recorded versions %v, want 1..%d", got, len(ms))
			break
		}
	}
}

// TestStoredRankingLifecycle checks, on a Store that ranks off the request path, that a member
// without a stored ranking gets Flexplore live while the ranking is queued, and the stored
// ranking once it has landed, equal to what a Store ranking on read serves.
func TestStoredRankingLifecycle(t *testing.T) {
	sync := openTestStore(t) // RankOnRead
	ctx := context.Background()
	async, err := Open(ctx, Options{
		URI:      os.Getenv("TEST_NEO4J_URI"),
		Username: os.Getenv("TEST_NEO4J_USER"),
		Password: os.Getenv("TEST_NEO4J_PASSWORD"),
		Database: os.Getenv("TEST_NEO4J_DATABASE"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer async.Close()
	photo := func(id, owner string) graph.Fave { return graph.Fave{Photo: graph.Photo{ID: id, Owner: owner}} }
	for _, b := range []graph.FavesBatch{
		{User: "u", PullID: "pu", Faves: []graph.Fave{photo("1", "a"), photo("2", "b")}},
		{User: "v", PullID: "pv", Faves: []graph.Fave{photo("1", "a"), photo("3", "b"), photo("4", "c")}},
		{User: "a", PullID: "pa", Faves: []graph.Fave{photo("5", "c"), photo("2", "b")}},
	} {
		if err := sync.AddFaves(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(p graph.PhotoPage) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Photo.ID)
		}
		return out
	}
	live, err := async.RecommendPhotos(ctx, "u", graph.RecOptions{Algorithm: graph.Flexplore, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	first, err := async.RecommendPhotos(ctx, "u", graph.RecOptions{Algorithm: graph.RP3Beta, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(live), ids(first)); diff != "" {
		t.Errorf("rp3beta before any stored ranking, vs flexplore live (-flexplore +rp3beta):\n%s", diff)
	}
	want, err := sync.RecommendPhotos(ctx, "u", graph.RecOptions{Algorithm: graph.RP3Beta, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := async.RecommendPhotos(ctx, "u", graph.RecOptions{Algorithm: graph.RP3Beta, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if cmp.Equal(ids(want), ids(got)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stored rp3beta ranking never served: got %v, want %v", ids(got), ids(want))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
