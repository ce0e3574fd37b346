package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/photorec/photorec/graph"
)

// TestPrecompute checks that a landed pull computes the member's first page off the request
// path, that a neighbor's landing recomputes the cached first pages of members who fave the
// neighbor's photos, that registered members are queued at Open, and that nothing is computed
// with Options.Precompute 0.
func TestPrecompute(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	dir := t.TempDir()
	open := func(precompute int) *Store {
		t.Helper()
		s, err := Open(ctx, Options{Dir: dir, Precompute: precompute, Default: graph.Hybrid, PageStale: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open(100)
	// u faves a's 1 and b's 2; a faves 1 and 10 (c's); b faves 2 and 11 (c's).
	for _, f := range [][3]string{{"u@N01", "1", "a@N01"}, {"u@N01", "2", "b@N01"}, {"a@N01", "1", "a@N01"},
		{"a@N01", "10", "c@N01"}, {"b@N01", "2", "b@N01"}, {"b@N01", "11", "c@N01"}} {
		addFave(t, s, f[0], f[1], f[2], at)
	}
	key := func(nsid string) pageKey {
		opts, _, err := graph.NormalizeRecOptions(s.firstPage(), graph.PhotoCursor, s.def)
		if err != nil {
			t.Fatal(err)
		}
		return keyOf(nsid, opts)
	}
	if s.cache.has(key("u@N01")) {
		t.Fatal("a first page is kept before any pull landed")
	}
	finish := func(nsid string) {
		t.Helper()
		if err := s.FinishPull(ctx, graph.PullDone{User: nsid, PullID: "p-" + nsid, Kind: graph.PullIncremental, At: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.WaitPrecomputed(ctx); err != nil {
			t.Fatal(err)
		}
	}
	finish("u@N01")
	if !s.cache.has(key("u@N01")) {
		t.Fatal("u's pull landed, but u's first page was not computed")
	}
	v1, ok := s.PhotoPageVersion(ctx, "u@N01", s.firstPage())
	if !ok {
		t.Fatal("u's first page is not served from the cache")
	}
	// a's pull lands: u faves a's photo 1, so u's kept first page is computed again.
	addFave(t, s, "a@N01", "12", "c@N01", at)
	finish("a@N01")
	if v2, ok := s.PhotoPageVersion(ctx, "u@N01", s.firstPage()); !ok || v2 == v1 {
		t.Errorf("after a neighbor's landing u's page version is %d (%v), want a new one (was %d)", v2, ok, v1)
	}
	if err := s.Register(ctx, "b@N01"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(100) // b is registered: queued at Open
	if err := s.WaitPrecomputed(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.cache.has(key("b@N01")) || s.cache.has(key("u@N01")) {
		t.Errorf("after reopening: b's page kept %v (registered: want true), u's %v (want false)", s.cache.has(key("b@N01")), s.cache.has(key("u@N01")))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(0)
	t.Cleanup(func() { _ = s.Close() })
	finish("u@N01")
	if s.cache.has(key("u@N01")) || s.cache.has(key("b@N01")) {
		t.Error("Precompute 0 computed pages")
	}
}
