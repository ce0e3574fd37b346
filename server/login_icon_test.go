package server

import (
	"context"
	"testing"
)

// TestLoginStoresBuddyIcon: after the OAuth dance the user's own buddy icon is known (the access
// token reply carries none), so their page does not show the placeholder.
func TestLoginStoresBuddyIcon(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.client(t).loginAs(nsid)
	ctx := context.Background()
	p, err := e.srv.opts.Flickr.PersonInfo(ctx, nsid)
	if err != nil {
		t.Fatalf("PersonInfo %s: %v", nsid, err)
	}
	u, err := e.g.User(ctx, nsid)
	if err != nil {
		t.Fatalf("User %s: %v", nsid, err)
	}
	if u.IconURL == "" || u.IconURL != p.IconURL {
		t.Errorf("stored icon after login = %q, want Flickr's %q", u.IconURL, p.IconURL)
	}
}
