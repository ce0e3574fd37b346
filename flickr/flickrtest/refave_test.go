package flickrtest

import (
	"testing"
	"time"
)

// TestRefaveOfGeneratedFave unfaves a fave the world generated, faves it again, and checks that
// the photo is listed once, with the new time; then unfaves it again and checks it is gone.
func TestRefaveOfGeneratedFave(t *testing.T) {
	w := TinyWorld(3)
	var nsid string
	var f Fave
	for _, u := range w.Users() {
		if fs := w.FavesOf(u.NSID); !u.Deleted && len(fs) > 0 {
			nsid, f = u.NSID, fs[len(fs)-1]
			break
		}
	}
	if nsid == "" {
		t.Fatal("no user with a generated fave")
	}
	count := func() (n int, at time.Time) {
		for _, g := range w.FavesOf(nsid) {
			if g.PhotoID == f.PhotoID {
				n++
				at = g.FavedAt
			}
		}
		return n, at
	}
	if err := w.RemoveFave(nsid, f.PhotoID); err != nil {
		t.Fatal(err)
	}
	if n, _ := count(); n != 0 {
		t.Fatalf("after the unfave the photo is listed %d times", n)
	}
	again := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := w.AddFave(nsid, f.PhotoID, again); err != nil {
		t.Fatal(err)
	}
	if n, at := count(); n != 1 || !at.Equal(again) {
		t.Fatalf("after the fave again the photo is listed %d times (faved at %v), want once at %v", n, at, again)
	}
	if err := w.RemoveFave(nsid, f.PhotoID); err != nil {
		t.Fatal(err)
	}
	if n, _ := count(); n != 0 {
		t.Fatalf("after the second unfave the photo is listed %d times", n)
	}
}
