package flickrtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestJournalIsPrivate: a new journal is 0600 in a new 0700 directory, and a journal an earlier
// version left readable by all is made 0600 when opened again, whether it is replayed or, being of
// another world, started over.
func TestJournalIsPrivate(t *testing.T) {
	tests := []struct {
		name string
		old  int64 // seed of the world of a 0644 journal left at the path; 0 for none
	}{
		{"new", 0},
		{"left 0644 by an earlier run", 6},
		{"of another world, 0644", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sim", "journal.jsonl")
			if tt.old != 0 {
				writeOldJournal(t, TinyWorld(tt.old), path)
			}
			w := TinyWorld(6)
			openJournal(t, w, path)
			for p, want := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): fs.ModeDir | 0o700} {
				info, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode() != want {
					t.Errorf("%s: mode %v, want %v", filepath.Base(p), info.Mode(), want)
				}
			}
		})
	}
}

// writeOldJournal leaves at path a journal of w readable by all, as earlier versions wrote it.
func writeOldJournal(t *testing.T, w *World, path string) {
	t.Helper()
	if _, err := w.OpenJournal(path); err != nil {
		t.Fatal(err)
	}
	if err := w.CloseJournal(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
