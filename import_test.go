package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
)

// writeWorldTSV writes w in the import format to a file and returns its path and fave count.
func writeWorldTSV(tb testing.TB, w *flickrtest.World) (path string, faves int) {
	tb.Helper()
	path = filepath.Join(tb.TempDir(), "world.tsv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.WriteTSV(f); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	for _, u := range w.Users() {
		faves += len(w.FavesOf(u.NSID))
	}
	return path, faves
}

// TestImportSimulatedWorld imports the simulator's TSV export and checks every user's favorites
// arrived: the format flickrtest writes is the format import reads.
func TestImportSimulatedWorld(t *testing.T) {
	w := flickrtest.TinyWorld(7)
	tsv, total := writeWorldTSV(t, w)
	cfgFile, cfg := storeConfig(t)

	stdout, stderr, err := runCmd(t, "import", "--config", cfgFile, "--faves", tsv)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	t.Log(stdout)

	ctx := context.Background()
	s := openTestStore(ctx, t, cfg)
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Faves != total {
		t.Errorf("graph holds %d faves, the world %d", stats.Faves, total)
	}
	photos := map[string]bool{}
	for _, u := range w.Users() {
		faves := w.FavesOf(u.NSID)
		for _, f := range faves {
			photos[f.PhotoID] = true
		}
		if len(faves) == 0 {
			continue
		}
		sum, err := s.Summary(ctx, u.NSID)
		if err != nil {
			t.Fatalf("summary of %s: %v", u.NSID, err)
		}
		if sum.Faves != len(faves) {
			t.Errorf("%s: %d faves in the graph, %d in the world", u.NSID, sum.Faves, len(faves))
		}
	}
	if stats.Photos != len(photos) {
		t.Errorf("graph holds %d photos, the world's faves name %d", stats.Photos, len(photos))
	}
}

// BenchmarkImport measures `photorec import` of a simulated world into a fresh embedded graph:
// check pass plus apply pass, end to end. Set PHOTOREC_BENCH_USERS for a bigger world.
func BenchmarkImport(b *testing.B) {
	users := 2000
	if v := os.Getenv("PHOTOREC_BENCH_USERS"); v != "" {
		if _, err := fmt.Sscan(v, &users); err != nil {
			b.Fatalf("PHOTOREC_BENCH_USERS: %v", err)
		}
	}
	tsv, total := writeWorldTSV(b, flickrtest.Generate(flickrtest.WorldOptions{Seed: 1, Users: users}))
	info, err := os.Stat(tsv)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	iters := 0
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		cfgFile := filepath.Join(dir, "photorec.yaml")
		if err := os.WriteFile(cfgFile, fmt.Appendf(nil, "data_dir: %q\nlog:\n  level: warn\n", dir), 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := run(context.Background(), []string{"import", "--config", cfgFile, "--faves", tsv}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
		iters++
	}
	b.ReportMetric(float64(total*iters)/b.Elapsed().Seconds(), "faves/s")
	b.ReportMetric(float64(total), "faves/op")
}

// TestImportThenFullPull checks what the import help promises about later pulls: an incremental
// one keeps imported favorites, a full one keeps only what Flickr listed.
func TestImportThenFullPull(t *testing.T) {
	cfgFile, cfg := storeConfig(t)
	faves := writeFile(t, "faves.tsv", goodFaves)
	if _, stderr, err := runCmd(t, "import", "--config", cfgFile, "--faves", faves); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	ctx := context.Background()
	s := openTestStore(ctx, t, cfg)
	at := time.Unix(1800000000, 0)
	pull := func(id string, kind graph.PullKind) {
		t.Helper()
		err := s.AddFaves(ctx, graph.FavesBatch{User: "10@N01", PullID: id, At: at, Faves: []graph.Fave{
			{Photo: graph.Photo{ID: "1001", Owner: "20@N01"}, FavedAt: time.Unix(1700000000, 0)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishPull(ctx, graph.PullDone{User: "10@N01", PullID: id, Kind: kind, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		kind graph.PullKind
		want int
	}{
		{graph.PullIncremental, 3},
		{graph.PullFull, 1},
	}
	for i, tt := range tests {
		pull(fmt.Sprintf("pull-%d", i), tt.kind)
		sum, err := s.Summary(ctx, "10@N01")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Faves != tt.want {
			t.Errorf("after a %s pull listing one fave: %d faves, want %d", tt.kind, sum.Faves, tt.want)
		}
	}
}
