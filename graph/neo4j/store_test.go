package neo4j

import (
	"context"
	"os"
	"testing"

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
