package main

import (
	"context"
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fileState is what TestSecondDemoWritesNothing compares of each entry in a data dir.
type fileState struct {
	Mode    fs.FileMode
	ModTime time.Time
	Sum     [sha256.Size]byte
}

// dirState maps every entry under dir (slash-separated relative path) to its state.
func dirState(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		st := fileState{Mode: info.Mode(), ModTime: info.ModTime()}
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			st.Sum = sha256.Sum256(b)
		}
		out[filepath.ToSlash(rel)] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSecondDemoWritesNothing: a second `photorec demo` on the data dir of a running one (with
// another seed, so another world) fails on the data dir's lock without writing anything there:
// not the simulator's address, the journal, the keys or the graph; the first demo's address
// file still names its simulator.
func TestSecondDemoWritesNothing(t *testing.T) {
	dir := t.TempDir()
	simURL, _, stop := runDemo(t, dir, "3", "250")
	defer stop()
	before := dirState(t, dir)
	for _, want := range []string{"simulator/addr", "simulator/journal.jsonl", "secrets/session_key", "graph/LOCK"} {
		if _, ok := before[want]; !ok {
			t.Fatalf("the first demo has no %s; the data dir holds %v", want, before)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout strings.Builder
	err := run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--data-dir", dir, "--seed", "4", "--users", "300"}, &stdout, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second demo: %v (stdout %q), want it refused because the data dir is in use", err, stdout.String())
	}
	if diff := cmp.Diff(before, dirState(t, dir)); diff != "" {
		t.Errorf("the second demo changed the data dir (-before +after):\n%s", diff)
	}
	addr, err := os.ReadFile(filepath.Join(dir, "simulator", "addr"))
	if err != nil || "http://"+strings.TrimSpace(string(addr)) != simURL {
		t.Errorf("simulator/addr = %q (%v), want the first demo's %s", addr, err, simURL)
	}
}

// TestDemoSimulatorFilesArePrivate: the demo's simulator directory is 0700 and its journal and
// address 0600, also when an earlier version left them readable by all.
func TestDemoSimulatorFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := runDemo(t, dir, "5", "250")
	stop()
	sim := filepath.Join(dir, "simulator")
	if err := os.Chmod(sim, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(sim, "journal.jsonl"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stop = runDemo(t, dir, "5", "250")
	stop()
	want := map[string]fs.FileMode{"simulator": fs.ModeDir | 0o700, "simulator/journal.jsonl": 0o600, "simulator/addr": 0o600}
	got := map[string]fs.FileMode{}
	for name, st := range dirState(t, dir) {
		if _, ok := want[name]; ok {
			got[name] = st.Mode
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}
}
