package server

import (
	"net/url"
	"testing"
)

// TestPeoplePhotos: each person comes with photos they took that the user would like (never one
// the user faved), then photos both faved up to the number asked for, and the listing is the
// same with and without them.
func TestPeoplePhotos(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	base := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/people?limit=12"
	var plain, with userPageJSON
	c.get(base).decode(t, &plain)
	res := c.get(base + "&photos=4")
	if res.Status != 200 {
		t.Fatalf("people with photos: %d %s", res.Status, res.Body)
	}
	res.decode(t, &with)
	if len(with.Items) != len(plain.Items) || len(with.Items) == 0 {
		t.Fatalf("%d people with photos, %d without", len(with.Items), len(plain.Items))
	}
	mine := map[string]bool{}
	for _, f := range e.world.FavesOf(nsid) {
		mine[f.PhotoID] = true
	}
	theirs := 0
	for i, p := range with.Items {
		if p.User.NSID != plain.Items[i].User.NSID || len(plain.Items[i].Photos) != 0 {
			t.Fatalf("person %d: %s with photos, %s (%d photos) without", i, p.User.NSID, plain.Items[i].User.NSID, len(plain.Items[i].Photos))
		}
		if len(p.Photos) > 4 {
			t.Fatalf("%s: %d photos, want at most 4", p.User.NSID, len(p.Photos))
		}
		seen := map[string]bool{}
		for _, ph := range p.Photos {
			if ph.Owner != p.User.NSID || mine[ph.ID] || seen[ph.ID] {
				t.Fatalf("%s: photo %s by %s (faved by the user %v, twice %v)", p.User.NSID, ph.ID, ph.Owner, mine[ph.ID], seen[ph.ID])
			}
			seen[ph.ID] = true
		}
		theirs += len(p.Photos)
		if got, want := len(p.Photos)+len(p.Shared), min(4, len(p.Photos)+p.Common); got != want {
			t.Fatalf("%s: %d of their photos and %d shared faves, want %d in all", p.User.NSID, len(p.Photos), len(p.Shared), want)
		}
		for _, ph := range p.Shared {
			if !mine[ph.ID] || seen[ph.ID] {
				t.Fatalf("%s: shared photo %s not faved by the user, or twice", p.User.NSID, ph.ID)
			}
			seen[ph.ID] = true
		}
	}
	if theirs == 0 {
		t.Errorf("nobody comes with photos of their own")
	}
	for _, q := range []string{"&photos=0", "&photos=9", "&photos=x"} {
		if res := c.get(base + q); res.Status != 400 || res.errorCode() != codeInvalidArgument {
			t.Errorf("people%s: %d %s", q, res.Status, res.Body)
		}
	}
}
