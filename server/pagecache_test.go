package server

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// TestPhotoPageJSONKept checks that the JSON kept per page version (pagecache.go) is byte for
// byte what a server keeping none sends, on first and later pages and for every algorithm, and
// that a write the page shows is reflected at once.
func TestPhotoPageJSONKept(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	opts := e.srv.opts
	opts.PageJSONBytes = -1
	opts.Registry = nil // a registry of its own
	plainSrv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	plainEnv := *e
	plainEnv.srv = plainSrv
	kept, plain := e.client(t), plainEnv.client(t)
	same := func(t *testing.T, path string) []byte {
		t.Helper()
		for i := range 2 { // the second answer comes from the kept JSON
			a, b := kept.get(path), plain.get(path)
			if a.Status != 200 || b.Status != 200 {
				t.Fatalf("GET %s: status %d (kept) and %d (plain)", path, a.Status, b.Status)
			}
			if !bytes.Equal(a.Body, b.Body) {
				t.Fatalf("GET %s, request %d: kept JSON differs from the plain server's:\n%s\n%s", path, i+1, a.Body, b.Body)
			}
			if i == 1 {
				return a.Body
			}
		}
		return nil
	}
	base := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?limit=5"
	// Every algorithm but Follows: the seeded user's contacts are not in the graph.
	algorithms := slices.DeleteFunc(graph.AlgorithmNames(), func(a graph.Algorithm) bool { return a == graph.Follows })
	for _, alg := range algorithms {
		t.Run(string(alg), func(t *testing.T) {
			body := same(t, base+"&algorithm="+string(alg))
			var pg photoPageJSON
			response{Body: body}.decode(t, &pg)
			if pg.NextCursor == "" {
				t.Fatal("no second page")
			}
			same(t, base+"&algorithm="+string(alg)+"&cursor="+url.QueryEscape(pg.NextCursor))
		})
	}
	e.srv.pageJSON.mu.Lock()
	n := len(e.srv.pageJSON.m)
	e.srv.pageJSON.mu.Unlock()
	if n != 2*len(algorithms) {
		t.Errorf("%d pages kept, want %d (two per algorithm)", n, 2*len(algorithms))
	}

	var before photoPageJSON
	kept.get(base).decode(t, &before)
	top := before.Items[0].Photo.ID
	if err := e.g.DismissPhoto(context.Background(), nsid, top); err != nil {
		t.Fatal(err)
	}
	var after photoPageJSON
	response{Body: same(t, base)}.decode(t, &after)
	for _, it := range after.Items {
		if it.Photo.ID == top {
			t.Fatalf("photo %s still recommended after its dismissal", top)
		}
	}
}

// TestPageJSONCache checks the byte budget and version order of pageJSONCache.
func TestPageJSONCache(t *testing.T) {
	k := func(n string) jsonKey { return jsonKey{nsid: n, algo: graph.Blend, limit: 50, why: 3} }
	c := newPageJSONCache(10)
	c.put(k("a"), 1, []byte("aaaa"))
	c.put(k("b"), 2, []byte("bbbb"))
	c.put(k("a"), 3, []byte("AAAA")) // replaces a's entry
	c.put(k("a"), 2, []byte("old"))  // older than what is kept: ignored
	c.put(k("c"), 4, []byte("cccc")) // over budget: one of a or b goes
	c.put(k("d"), 5, []byte("too large for the budget"))
	got := map[string]string{}
	for _, tt := range []struct {
		key     string
		version uint64
	}{{"a", 3}, {"b", 2}, {"c", 4}, {"d", 5}} {
		if b, ok := c.get(k(tt.key), tt.version); ok {
			got[tt.key] = string(b)
		}
	}
	if _, ok := c.get(k("c"), 3); ok {
		t.Error("get of another version than the one kept succeeded")
	}
	if got["c"] != "cccc" || len(got) != 2 || c.bytes > c.budget {
		t.Errorf("kept %v (%d bytes), want c and one of a (AAAA) or b within 10 bytes", got, c.bytes)
	}
	if a, ok := got["a"]; ok && a != "AAAA" {
		t.Errorf("a = %q, want the newer AAAA", a)
	}
	if diff := cmp.Diff(int64(8), c.bytes); diff != "" {
		t.Errorf("bytes (-want +got):\n%s", diff)
	}
}

// TestOwnerViewIsStrict checks which page each viewer gets from a store whose pages may lag
// (PageStale > 0): the owner's own view shows a neighbor's new fave at once, anyone else's
// keeps the kept page until its owner writes.
func TestOwnerViewIsStrict(t *testing.T) {
	var g *embedded.Store
	e := newEnv(t, func(o *Options) {
		var err error
		g, err = embedded.Open(context.Background(), embedded.Options{Dir: t.TempDir(),
			Default: graph.Flexplore, PageStale: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = g.Close() })
		o.Graph = g
	})
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	path := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?limit=500&algorithm=flexplore"
	owner, other := e.client(t), e.client(t)
	owner.loginAs(nsid)
	ids := func(c *client) map[string]bool {
		t.Helper()
		var pg photoPageJSON
		res := c.get(path)
		if res.Status != 200 {
			t.Fatalf("GET %s: status %d %s", path, res.Status, res.Body)
		}
		res.decode(t, &pg)
		out := map[string]bool{}
		for _, it := range pg.Items {
			out[it.Photo.ID] = true
		}
		return out
	}
	ids(other) // kept for other viewers
	ids(owner)
	var pg photoPageJSON
	other.get(path).decode(t, &pg)
	// Every neighbor named on the page faves a new photo, which then ranks near the top.
	neighbors := map[string]bool{}
	for _, it := range pg.Items {
		for _, w := range people(it) {
			neighbors[w.User.NSID] = true
		}
	}
	faveAll := func(id string) {
		t.Helper()
		at := e.clock.Now()
		for n := range neighbors {
			err := g.AddFaves(context.Background(), graph.FavesBatch{User: n, At: at, Faves: []graph.Fave{{Photo: graph.Photo{ID: id, Owner: "fresh@N01"}, FavedAt: at}}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	faveAll("990001")
	if ids(other)["990001"] {
		t.Error("another viewer sees 990001 within recommend.cache_stale; the kept page should be served")
	}
	if !ids(owner)["990001"] {
		t.Errorf("the owner's view lacks 990001, which %d neighbors faved just now", len(neighbors))
	}
	if !ids(other)["990001"] {
		t.Error("another viewer lacks 990001 after the owner's view recomputed the page")
	}
	faveAll("990002")
	if ids(other)["990002"] {
		t.Error("another viewer sees 990002 within recommend.cache_stale; the kept page should be served")
	}
	if err := g.RemoveFave(context.Background(), nsid, e.world.FavesOf(nsid)[0].PhotoID); err != nil { // the owner writes
		t.Fatal(err)
	}
	if !ids(other)["990002"] {
		t.Error("another viewer lacks 990002 after the owner's own write")
	}
}
