package embedded

import (
	"context"
	"testing"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/graphtest"
)

// openTest opens a fresh store in a temporary directory, closed at cleanup.
func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	graphtest.Run(t, func(t *testing.T) graph.Store {
		t.Helper()
		return openTest(t, t.TempDir())
	})
}
