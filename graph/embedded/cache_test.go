package embedded

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// addFave stores user's fave of photo (owned by owner) at time at.
func addFave(t *testing.T, s *Store, user, photo, owner string, at time.Time) {
	t.Helper()
	err := s.AddFaves(context.Background(), graph.FavesBatch{User: user, At: at, Faves: []graph.Fave{{Photo: graph.Photo{ID: photo, Owner: owner}, FavedAt: at}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPageCache checks that a repeated query is served from the cache with the same answer, that
// changing a returned page does not change the next answer, and that every kind of write makes
// the next answer reflect it.
func TestPageCache(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	at := time.Unix(1_700_000_000, 0)
	fave := func(user, photo, owner string) { t.Helper(); addFave(t, s, user, photo, owner, at) }
	// u faved photos of a and b; a and b faved 10, 11 and 12 (owned by c).
	fave("u@N01", "1", "a@N01")
	fave("u@N01", "2", "b@N01")
	fave("a@N01", "1", "a@N01")
	fave("b@N01", "2", "b@N01")
	for _, p := range []string{"10", "11", "12"} {
		fave("a@N01", p, "c@N01")
	}
	fave("b@N01", "10", "c@N01")
	ids := func() []string {
		t.Helper()
		pg, err := s.RecommendPhotos(ctx, "u@N01", graph.RecOptions{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range pg.Items {
			out = append(out, it.Photo.ID)
		}
		return out
	}
	check := func(step string, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, ids()); diff != "" {
			t.Errorf("%s: photos (-want +got):\n%s", step, diff)
		}
	}
	check("first", []string{"10", "11", "12"})

	pg, err := s.RecommendPhotos(ctx, "u@N01", graph.RecOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	pg.Items[0].Photo.ID = "changed by the caller"
	pg.Items[0].Reasons[0].Users[0].User.NSID = "changed too"
	again, err := s.RecommendPhotos(ctx, "u@N01", graph.RecOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if again.Items[0].Photo.ID != "10" || again.Items[0].Reasons[0].Users[0].User.NSID == "changed too" {
		t.Fatalf("a caller's change leaked into the cached page: %+v", again.Items[0])
	}

	// Bookkeeping writes leave the cached page in place; a renamed neighbor does not.
	key := pageKey{nsid: "u@N01", algo: graph.Flexplore, limit: 10, why: 3}
	if _, err := s.MarkVisit(ctx, "u@N01", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(ctx, "u@N01"); err != nil {
		t.Fatal(err)
	}
	s.mu.RLock()
	_, _, _, hit := s.cache.get(s.st, s.pageGen, key, time.Now(), true, true)
	s.mu.RUnlock()
	if !hit {
		t.Error("a visit or a registration dropped the cached page; they cannot change it")
	}
	if err := s.UpsertUsers(ctx, []graph.User{{NSID: "a@N01", Username: "renamed"}}); err != nil {
		t.Fatal(err)
	}
	pg, err = s.RecommendPhotos(ctx, "u@N01", graph.RecOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	renamed := false
	for _, c := range pg.Items[0].Reasons[0].Users {
		renamed = renamed || c.User.Username == "renamed"
	}
	if !renamed {
		t.Errorf("why of %s after renaming a@N01 = %+v, want the new name", pg.Items[0].Photo.ID, pg.Items[0].Reasons)
	}

	if err := s.DismissPhoto(ctx, "u@N01", "11"); err != nil {
		t.Fatal(err)
	}
	// The dismissal also cancels a's only common favorite (dismissal feedback), so 12, faved by
	// a alone, drops out too.
	check("after dismissing 11", []string{"10"})
	fave("u@N01", "12", "c@N01")
	check("after faving 12", []string{"10"})
	if err := s.UndismissPhoto(ctx, "u@N01", "11"); err != nil {
		t.Fatal(err)
	}
	check("after undismissing 11", []string{"10", "11"})
	if err := s.DismissUser(ctx, "u@N01", "c@N01"); err != nil {
		t.Fatal(err)
	}
	check("after dismissing c", nil)
}

// TestPageCacheStale checks the page cache's bounded staleness (Options.PageStale): the owner's
// writes show at once to every viewer; a neighbor's at once to the owner's view (RecommendPhotos)
// and within the bound to others (RecommendPhotosVersion); a stranger's faves, which move only
// the random-walk part of Blend, once the page is older than PageStale, or after the background
// recompute a hit older than half of it starts. With PageStale 0 every write shows at once.
func TestPageCacheStale(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	for _, stale := range []time.Duration{0, 10 * time.Minute} {
		t.Run(stale.String(), func(t *testing.T) {
			clock := at
			s, err := Open(ctx, Options{Dir: t.TempDir(), PageStale: stale, now: func() time.Time { return clock }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			fave := func(user, photo, owner string) { t.Helper(); addFave(t, s, user, photo, owner, at) }
			// u faved photos of a and b, who faved them too (the favorites u shares with its
			// neighbors); a faved 10 and 11, b faved 10. z, a stranger (u faved none of z's
			// photos), shares u's fave 1, so z's faves reach u through the walk.
			fave("u@N01", "1", "a@N01")
			fave("u@N01", "2", "b@N01")
			fave("a@N01", "1", "a@N01")
			fave("b@N01", "2", "b@N01")
			fave("a@N01", "10", "c@N01")
			fave("a@N01", "11", "c@N01")
			fave("b@N01", "10", "c@N01")
			fave("z@N01", "1", "a@N01")
			opts := graph.RecOptions{Limit: 10, Algorithm: graph.Blend}
			ids := func(pg graph.PhotoPage) []string {
				var ids []string
				for _, it := range pg.Items {
					ids = append(ids, it.Photo.ID)
				}
				slices.Sort(ids)
				return ids
			}
			// other checks (and returns the version of) the page as another viewer gets it.
			other := func(step string, want []string) uint64 {
				t.Helper()
				pg, v, err := s.RecommendPhotosVersion(ctx, "u@N01", opts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, ids(pg)); diff != "" {
					t.Errorf("%s: other viewer's photos (-want +got):\n%s", step, diff)
				}
				if pv, ok := s.PhotoPageVersion(ctx, "u@N01", opts); !ok || pv != v {
					t.Errorf("%s: PhotoPageVersion = %d, %v; the page served has version %d", step, pv, ok, v)
				}
				return v
			}
			// refresh checks the page another viewer gets when that starts a background
			// refresh, and waits for the refresh to end.
			refresh := func(step string, want []string) {
				t.Helper()
				pg, _, err := s.RecommendPhotosVersion(ctx, "u@N01", opts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, ids(pg)); diff != "" {
					t.Errorf("%s: other viewer's photos (-want +got):\n%s", step, diff)
				}
				s.bg.Wait()
			}
			owner := func(step string, want []string) {
				t.Helper()
				pg, err := s.RecommendPhotos(ctx, "u@N01", opts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, ids(pg)); diff != "" {
					t.Errorf("%s: owner's photos (-want +got):\n%s", step, diff)
				}
			}
			v1 := other("first", []string{"10", "11"})
			if v1 == 0 {
				t.Fatal("version 0 with the page cache on")
			}
			owner("first", []string{"10", "11"})

			fave("z@N01", "20", "y@N01") // a stranger's fave: 20 (by y, whom the page does not show) is reachable only by the walk
			if stale == 0 {
				other("stranger's fave, no staleness allowed", []string{"10", "11", "20"})
			} else {
				if v := other("stranger's fave, page fresh", []string{"10", "11"}); v != v1 {
					t.Errorf("version %d after a stranger's fave, want the cached %d", v, v1)
				}
				owner("stranger's fave, page fresh", []string{"10", "11"})
				clock = clock.Add(stale/2 + time.Second)
				refresh("stranger's fave, page older than half the bound", []string{"10", "11"})
				other("after the background refresh", []string{"10", "11", "20"})
				fave("z@N01", "21", "y@N01")
				clock = clock.Add(stale + time.Second)
				other("stranger's fave, page older than the bound", []string{"10", "11", "20", "21"})
				fave("z@N01", "22", "y@N01") // a second refresh: the first one was let go
				clock = clock.Add(stale/2 + time.Second)
				refresh("second refresh started", []string{"10", "11", "20", "21"})
				other("after the second refresh", []string{"10", "11", "20", "21", "22"})
			}

			want := []string{"11", "20"}
			if stale != 0 {
				want = append(want, "21", "22")
			}
			fave("u@N01", "10", "c@N01") // the owner's own fave
			other("after the owner's fave", want)
			owner("after the owner's fave", want)

			fave("b@N01", "30", "c@N01") // a neighbor's fave
			if stale != 0 {
				other("after a neighbor's fave, page fresh", want)
			}
			owner("after a neighbor's fave", append(want, "30")) // recomputes the shared page
			other("after the owner's view recomputed it", append(want, "30"))
			fave("b@N01", "31", "c@N01")
			if stale != 0 {
				clock = clock.Add(stale + time.Second)
			}
			other("after another neighbor's fave, page older than the bound", append(want, "30", "31"))

			if err := s.UpsertUsers(ctx, []graph.User{{NSID: "b@N01", Username: "renamed"}}); err != nil {
				t.Fatal(err)
			}
			pg, err := s.RecommendPhotos(ctx, "u@N01", opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range pg.Items {
				for _, c := range it.Reasons[0].Users {
					if c.User.NSID == "b@N01" && c.User.Username != "renamed" {
						t.Errorf("why of %s names b@N01 %q after the rename", it.Photo.ID, c.User.Username)
					}
				}
			}
		})
	}
}

// TestPageCacheSize checks that a full cache evicts and keeps answering correctly: each user
// has a page of their own, so a mixed-up entry would show.
func TestPageCacheSize(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Dir: t.TempDir(), PageCacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	at := time.Unix(1_700_000_000, 0)
	fave := func(user string, photos ...graph.Photo) {
		t.Helper()
		b := graph.FavesBatch{User: user, At: at}
		for _, p := range photos {
			b.Faves = append(b.Faves, graph.Fave{Photo: p})
		}
		if err := s.AddFaves(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	// u<i> faved p<i> of a<i>, who faved it too and faved r<i>: u<i>'s page is r<i> alone.
	const n = 5
	for i := range n {
		own := graph.Photo{ID: strconv.Itoa(100 + i), Owner: "a" + strconv.Itoa(i) + "@N01"}
		fave("u"+strconv.Itoa(i)+"@N01", own)
		fave(own.Owner, own, graph.Photo{ID: strconv.Itoa(200 + i), Owner: "c@N01"})
	}
	for round := range 3 {
		for i := range n {
			u := "u" + strconv.Itoa((i*(round+1))%n) + "@N01"
			want := strconv.Itoa(200 + (i*(round+1))%n)
			pg, err := s.RecommendPhotos(ctx, u, graph.RecOptions{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Items) != 1 || pg.Items[0].Photo.ID != want {
				t.Errorf("round %d: %s's page = %+v, want photo %s alone", round, u, pg.Items, want)
			}
		}
	}
	s.cache.mu.Lock()
	size := len(s.cache.pages)
	s.cache.mu.Unlock()
	if size > 2 {
		t.Errorf("cache holds %d pages, want at most PageCacheSize 2", size)
	}
}

// TestPageCacheInvalidation checks, for each kind of write, whether a cached page is still
// served to the owner (strict) and to other viewers (lenient) while the page is younger than
// PageStale.
func TestPageCacheInvalidation(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	type store = *Store
	addFaves := func(user, pull string, photos ...string) func(store) error {
		return func(s store) error {
			b := graph.FavesBatch{User: user, PullID: pull, At: at}
			for _, p := range photos {
				owner := "c@N01"
				switch p {
				case "1":
					owner = "a@N01"
				case "2":
					owner = "b@N01"
				case "40":
					owner = "y@N01" // nobody the page shows
				}
				b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: p, Owner: owner}, FavedAt: at})
			}
			return s.AddFaves(ctx, b)
		}
	}
	rename := func(nsid, name string) func(store) error {
		return func(s store) error { return s.UpsertUsers(ctx, []graph.User{{NSID: nsid, Username: name}}) }
	}
	tests := []struct {
		name           string
		before         func(store) error // before the page is computed
		write          func(store) error
		strict, others bool // the page is still served after the write
	}{
		{name: "owner faves", write: addFaves("u@N01", "", "12")},
		{name: "owner unfaves", write: func(s store) error { return s.RemoveFave(ctx, "u@N01", "2") }},
		{name: "owner dismisses a photo", write: func(s store) error { return s.DismissPhoto(ctx, "u@N01", "11") }},
		{name: "owner undismisses a photo",
			before: func(s store) error { return s.DismissPhoto(ctx, "u@N01", "11") },
			write:  func(s store) error { return s.UndismissPhoto(ctx, "u@N01", "11") }},
		{name: "owner dismisses a user", write: func(s store) error { return s.DismissUser(ctx, "u@N01", "c@N01") }},
		{name: "owner undismisses a user",
			before: func(s store) error { return s.DismissUser(ctx, "u@N01", "c@N01") },
			write:  func(s store) error { return s.UndismissUser(ctx, "u@N01", "c@N01") }},
		{name: "owner's contacts", write: func(s store) error { return s.SetContacts(ctx, "u@N01", []graph.User{{NSID: "c@N01"}}) }},
		{name: "owner's full pull drops a fave", write: func(s store) error {
			if err := addFaves("u@N01", "pull-1", "1")(s); err != nil {
				return err
			}
			return s.FinishPull(ctx, graph.PullDone{User: "u@N01", PullID: "pull-1", Kind: graph.PullFull, At: at})
		}},
		{name: "neighbor faves", write: addFaves("b@N01", "", "30"), others: true},
		{name: "neighbor unfaves", write: func(s store) error { return s.RemoveFave(ctx, "b@N01", "10") }, others: true},
		{name: "neighbor renamed", write: rename("b@N01", "bee"), others: true},
		{name: "photo's owner renamed", write: rename("c@N01", "cee"), others: true},
		{name: "neighbor's name stored again", write: rename("b@N01", "b0"), strict: true, others: true},
		{name: "stranger faves", write: addFaves("z@N01", "", "40"), strict: true, others: true},
		// A stranger's fave of a new photo by c, whose photos the page shows: c took a photo.
		{name: "new photo of an owner on the page", write: addFaves("z@N01", "", "41"), others: true},
		{name: "owner's visit and registration", write: func(s store) error {
			if _, err := s.MarkVisit(ctx, "u@N01", at); err != nil {
				return err
			}
			return s.Register(ctx, "u@N01")
		}, strict: true, others: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, Options{Dir: t.TempDir(), PageStale: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			// u faved 1 (a's) and 2 (b's); a faved 1, 10 and 11, b faved 2 and 10 (c's photos);
			// z, a stranger, faved 1.
			for _, w := range []func(store) error{
				rename("b@N01", "b0"),
				addFaves("u@N01", "", "1", "2"), addFaves("a@N01", "", "1", "10", "11"),
				addFaves("b@N01", "", "2", "10"), addFaves("z@N01", "", "1"),
			} {
				if err := w(s); err != nil {
					t.Fatal(err)
				}
			}
			if tt.before != nil {
				if err := tt.before(s); err != nil {
					t.Fatal(err)
				}
			}
			opts := graph.RecOptions{Limit: 10, Algorithm: graph.Blend}
			if _, _, err := s.RecommendPhotosVersion(ctx, "u@N01", opts); err != nil {
				t.Fatal(err)
			}
			if err := tt.write(s); err != nil {
				t.Fatal(err)
			}
			key := pageKey{nsid: "u@N01", algo: graph.Blend, limit: 10, why: 3}
			s.mu.RLock()
			_, _, _, others := s.cache.get(s.st, s.pageGen, key, s.now(), false, true)
			_, _, _, strict := s.cache.get(s.st, s.pageGen, key, s.now(), true, true)
			s.mu.RUnlock()
			if strict != tt.strict || others != tt.others {
				t.Errorf("after the write the page is served to the owner: %v, to others: %v; want %v, %v", strict, others, tt.strict, tt.others)
			}
		})
	}
}

// TestCloseDuringRefresh closes the store while a background page refresh may be running: Close
// must wait for it and return (a deadlock fails the test by its timeout, a race under -race).
func TestCloseDuringRefresh(t *testing.T) {
	ctx := context.Background()
	clock := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	s, err := Open(ctx, Options{Dir: t.TempDir(), PageStale: time.Hour, now: now})
	if err != nil {
		t.Fatal(err)
	}
	b := graph.FavesBatch{User: "u@N01", At: clock, Faves: []graph.Fave{{Photo: graph.Photo{ID: "1", Owner: "a@N01"}}}}
	if err := s.AddFaves(ctx, b); err != nil {
		t.Fatal(err)
	}
	opts := graph.RecOptions{Limit: 10, Algorithm: graph.Blend}
	if _, err := s.RecommendPhotos(ctx, "u@N01", opts); err != nil {
		t.Fatal(err)
	}
	b.User = "z@N01"
	if err := s.AddFaves(ctx, b); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clock = clock.Add(time.Hour/2 + time.Second)
	mu.Unlock()
	done := make(chan struct{})
	go func() { // writers keep the apply loop busy while the store closes
		defer close(done)
		for i := 0; ; i++ {
			b := graph.FavesBatch{User: "w@N01", At: clock, Faves: []graph.Fave{{Photo: graph.Photo{ID: strconv.Itoa(100 + i), Owner: "a@N01"}}}}
			if err := s.AddFaves(ctx, b); err != nil {
				return
			}
		}
	}()
	if _, _, err := s.RecommendPhotosVersion(ctx, "u@N01", opts); err != nil { // starts a refresh
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	s.cache.mu.Lock()
	inflight := s.cache.inflight
	s.cache.mu.Unlock()
	if inflight != 0 {
		t.Errorf("%d refreshes still counted in flight after Close", inflight)
	}
}
