package flickrtest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// unfavedPhotos returns n photos that user nsid neither owns nor has faved.
func unfavedPhotos(t *testing.T, w *World, nsid string, n int) []Photo {
	t.Helper()
	mine := map[string]bool{}
	for _, f := range w.FavesOf(nsid) {
		mine[f.PhotoID] = true
	}
	var out []Photo
	for _, other := range w.Users() {
		if other.NSID == nsid || other.Deleted {
			continue
		}
		for _, p := range w.PhotosOf(other.NSID) {
			if !mine[p.ID] && len(out) < n {
				out = append(out, p)
			}
		}
	}
	if len(out) < n {
		t.Fatalf("only %d photos %s has not faved", len(out), nsid)
	}
	return out
}

// openJournal opens the journal at path on w and closes it when the test ends.
func openJournal(t *testing.T, w *World, path string) JournalStats {
	t.Helper()
	st, err := w.OpenJournal(path)
	if err != nil {
		t.Fatalf("OpenJournal: %v", err)
	}
	t.Cleanup(func() {
		if err := w.CloseJournal(); err != nil {
			t.Errorf("CloseJournal: %v", err)
		}
	})
	return st
}

// fileLines is the file's lines, without their newlines.
func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// writeThroughREST makes five successful writes and two failing ones as user me through the
// simulator's REST methods, and returns the photos it touched.
func writeThroughREST(t *testing.T, s *Server, w *World, me User) []string {
	t.Helper()
	tok, sec := s.IssueToken(me.NSID, "write")
	c := signedClient(tok, sec)
	ps := unfavedPhotos(t, w, me.NSID, 2)
	gen := w.FavesOf(me.NSID)[0].PhotoID
	steps := []struct {
		method   string
		params   []string
		wantCode int
	}{
		{"flickr.favorites.add", []string{"photo_id", ps[0].ID}, 0},
		{"flickr.favorites.add", []string{"photo_id", ps[0].ID}, 3},
		{"flickr.favorites.add", []string{"photo_id", ps[1].ID}, 0},
		{"flickr.favorites.remove", []string{"photo_id", ps[1].ID}, 0},
		{"flickr.favorites.remove", []string{"photo_id", gen}, 0},
		{"flickr.photos.comments.addComment", []string{"photo_id", ps[0].ID, "comment_text", "Schön! 📷\n\"second\" line"}, 0},
		{"flickr.photos.comments.addComment", []string{"photo_id", ps[0].ID, "comment_text", " "}, 8},
	}
	for _, st := range steps {
		if got := failCode(t, signedPost(t, s, c, st.method, st.params...)); got != st.wantCode {
			t.Fatalf("%s %v: code %d, want %d", st.method, st.params, got, st.wantCode)
		}
	}
	return []string{ps[0].ID, ps[1].ID, gen}
}

// worldState is what the journal must carry over: me's faves and the comments on photos.
type worldState struct {
	Faves    []Fave
	Comments map[string][]Comment
}

func stateOf(w *World, nsid string, photos []string) worldState {
	st := worldState{Faves: w.FavesOf(nsid), Comments: map[string][]Comment{}}
	for _, p := range photos {
		st.Comments[p] = w.Comments(p)
	}
	return st
}

func TestJournalKeepsWritesAcrossRestart(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "sim", "journal.jsonl")
	w := TinyWorld(6)
	if st := openJournal(t, w, path); st != (JournalStats{}) {
		t.Errorf("stats of a new journal: %+v, want zero", st)
	}
	s := Start(t, w, Options{Now: func() time.Time { return now }})
	me := heavyUser(t, w, 50)
	photos := writeThroughREST(t, s, w, me)
	s.Close()
	if err := w.CloseJournal(); err != nil {
		t.Fatal(err)
	}
	want := stateOf(w, me.NSID, photos)
	if untouched := stateOf(TinyWorld(6), me.NSID, photos); cmp.Equal(want, untouched) {
		t.Fatal("the writes did not change the world")
	}
	if got := len(fileLines(t, path)); got != 1+5 {
		t.Errorf("journal has %d lines, want a header and 5 writes", got)
	}

	again := TinyWorld(6)
	st := openJournal(t, again, path)
	if diff := cmp.Diff(JournalStats{Replayed: 5}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, stateOf(again, me.NSID, photos)); diff != "" {
		t.Errorf("world after replay (-want +got):\n%s", diff)
	}

	// Replaying into a world that already has the writes changes nothing.
	if err := again.CloseJournal(); err != nil {
		t.Fatal(err)
	}
	st = openJournal(t, again, path)
	if st.Replayed+st.Skipped != 5 || st.Skipped == 0 {
		t.Errorf("second replay stats %+v, want 5 lines with some skipped", st)
	}
	if diff := cmp.Diff(want, stateOf(again, me.NSID, photos)); diff != "" {
		t.Errorf("world after a second replay (-want +got):\n%s", diff)
	}
}

func TestJournalOfAnotherWorldIsMovedAside(t *testing.T) {
	tests := []struct {
		name string
		opts WorldOptions
	}{
		{"other seed", WorldOptions{Seed: 2, Users: 300}},
		{"other users", WorldOptions{Seed: 1, Users: 200}},
		{"other faves", WorldOptions{Seed: 1, Users: 300, Faves: 20_000}},
		{"other span", WorldOptions{Seed: 1, Users: 300, End: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			w := TinyWorld(1)
			if _, err := w.OpenJournal(path); err != nil {
				t.Fatal(err)
			}
			me := heavyUser(t, w, 10)
			if err := w.AddFave(me.NSID, unfavedPhotos(t, w, me.NSID, 1)[0].ID, time.Unix(1.7e9, 0)); err != nil {
				t.Fatal(err)
			}
			if err := w.CloseJournal(); err != nil {
				t.Fatal(err)
			}
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			other := Generate(tt.opts)
			st := openJournal(t, other, path)
			if diff := cmp.Diff(JournalStats{MovedAside: path + ".old"}, st); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			moved, err := os.ReadFile(path + ".old")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(old), string(moved)); diff != "" {
				t.Errorf("moved-aside journal (-want +got):\n%s", diff)
			}
			if got := fileLines(t, path); len(got) != 1 || !strings.Contains(got[0], `"format":"flickrtest-journal"`) {
				t.Errorf("new journal %q, want only a header", got)
			}
		})
	}
}

func TestJournalTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	w := TinyWorld(3)
	me := heavyUser(t, w, 10)
	ps := unfavedPhotos(t, w, me.NSID, 2)
	if _, err := w.OpenJournal(path); err != nil {
		t.Fatal(err)
	}
	if err := w.AddFave(me.NSID, ps[0].ID, time.Unix(1.7e9, 0)); err != nil {
		t.Fatal(err)
	}
	if err := w.CloseJournal(); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	torn := `{"kind":"fave","user":"` + me.NSID + `","pho`
	if err := os.WriteFile(path, append(whole, torn...), 0o644); err != nil {
		t.Fatal(err)
	}

	again := TinyWorld(3)
	st := openJournal(t, again, path)
	if diff := cmp.Diff(JournalStats{Replayed: 1, TornBytes: len(torn)}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if got, want := len(again.FavesOf(me.NSID)), me.Faves+1; got != want {
		t.Errorf("faves after replay: %d, want %d", got, want)
	}
	// The torn bytes are gone, so the next write starts a whole line.
	if err := again.AddFave(me.NSID, ps[1].ID, time.Unix(1.7e9+60, 0)); err != nil {
		t.Fatal(err)
	}
	lines := fileLines(t, path)
	if len(lines) != 3 || !json.Valid([]byte(lines[2])) || !strings.HasPrefix(lines[2], `{"kind":"fave"`) {
		t.Errorf("journal after a write: %q, want header and two whole fave lines", lines)
	}
}

func TestJournalBadLineIsAnError(t *testing.T) {
	w := TinyWorld(4)
	me := heavyUser(t, w, 10)
	header := func(t *testing.T) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		if _, err := TinyWorld(4).OpenJournal(path); err != nil {
			t.Fatal(err)
		}
		return fileLines(t, path)[0] + "\n"
	}(t)
	photo := unfavedPhotos(t, w, me.NSID, 1)[0].ID
	fave := `{"kind":"fave","user":"` + me.NSID + `","photo":"` + photo + `","at":1700000000}` + "\n"
	tests := []struct {
		name     string
		content  string
		wantLine string
	}{
		{"not json", header + fave + "not json\n" + fave, "line 3"},
		{"empty line", header + "\n" + fave, "line 2"},
		{"unknown kind", header + `{"kind":"like","user":"` + me.NSID + `","photo":"1"}` + "\n", "line 2"},
		{"unknown photo", header + `{"kind":"fave","user":"` + me.NSID + `","photo":"123","at":1}` + "\n", "line 2"},
		{"unknown user", header + strings.Replace(fave, me.NSID, "nobody@N00", 1), "line 2"},
		{"blank comment", header + `{"kind":"comment","user":"` + me.NSID + `","photo":"` + photo + `","at":1}` + "\n", "line 2"},
		{"bad header", "{\"format\":\n" + fave, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := TinyWorld(4).OpenJournal(path)
			if err == nil {
				t.Fatalf("OpenJournal succeeded on %q", tt.content)
			}
			if !strings.Contains(err.Error(), path+" "+tt.wantLine+":") {
				t.Errorf("error %q does not name %s %s", err, path, tt.wantLine)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Errorf("file changed to %q", b)
			}
			if _, err := os.Stat(path + ".old"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file moved aside: %v", err)
			}
		})
	}
}

func TestJournalFailedAppendLeavesWorldUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	w := TinyWorld(5)
	me := heavyUser(t, w, 10)
	p := unfavedPhotos(t, w, me.NSID, 1)[0].ID
	gen := w.FavesOf(me.NSID)[0].PhotoID
	if _, err := w.OpenJournal(path); err != nil {
		t.Fatal(err)
	}
	// Closing the file under the journal makes every append fail.
	if err := w.journal.f.Close(); err != nil {
		t.Fatal(err)
	}
	before := stateOf(w, me.NSID, []string{p})
	if err := w.AddFave(me.NSID, p, time.Unix(1.7e9, 0)); err == nil {
		t.Error("AddFave succeeded with a broken journal")
	}
	if err := w.RemoveFave(me.NSID, gen); err == nil {
		t.Error("RemoveFave succeeded with a broken journal")
	}
	if _, err := w.AddComment(me.NSID, p, "hi", time.Unix(1.7e9, 0)); err == nil {
		t.Error("AddComment succeeded with a broken journal")
	}
	if diff := cmp.Diff(before, stateOf(w, me.NSID, []string{p})); diff != "" {
		t.Errorf("world changed (-before +after):\n%s", diff)
	}
}
