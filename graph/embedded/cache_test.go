package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// TestPageCache checks that a repeated query is served from the cache with the same answer, that
// changing a returned page does not change the next answer, and that every kind of write makes
// the next answer reflect it.
func TestPageCache(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	at := time.Unix(1_700_000_000, 0)
	fave := func(user, photo, owner string) {
		t.Helper()
		err := s.AddFaves(ctx, graph.FavesBatch{User: user, At: at, Faves: []graph.Fave{{Photo: graph.Photo{ID: photo, Owner: owner}, FavedAt: at}}})
		if err != nil {
			t.Fatal(err)
		}
	}
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
	pg.Items[0].Why[0].User.NSID = "changed too"
	again, err := s.RecommendPhotos(ctx, "u@N01", graph.RecOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if again.Items[0].Photo.ID != "10" || again.Items[0].Why[0].User.NSID == "changed too" {
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
	_, hit := s.cache.get(s.pageGen, key)
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
	for _, c := range pg.Items[0].Why {
		renamed = renamed || c.User.Username == "renamed"
	}
	if !renamed {
		t.Errorf("why of %s after renaming a@N01 = %+v, want the new name", pg.Items[0].Photo.ID, pg.Items[0].Why)
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
