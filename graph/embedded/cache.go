package embedded

import (
	"sync"
	"time"

	"github.com/photorec/photorec/graph"
)

// DefaultPageCacheSize is the number of photo pages pageCache keeps when Options.PageCacheSize
// is 0: a first page for each of the most active members of a large single-node community.
const DefaultPageCacheSize = 16384

// pageKey is everything a photo page depends on besides the state.
type pageKey struct {
	nsid   string
	algo   graph.Algorithm
	limit  int
	why    int
	cursor string
}

// pageEntry is one computed photo page and what it was computed from.
type pageEntry struct {
	page       graph.PhotoPage
	version    uint64    // unique per computed page, never 0
	gen        uint64    // Store.pageGen it was computed at
	deps       []uint32  // the owner first, then the ranking's dependencies (rank.Result.Deps) and the people the page names (user indexes)
	at         time.Time // when it was computed
	refreshing bool      // a background recompute is under way
}

// pageCache keeps computed photo pages. A page stays valid while nothing it shows changed:
//
//   - with no page-affecting write since it was computed (Store.pageGen unchanged), it is
//     exactly what the query would return;
//   - a write by the owner (a fave, an unfave, a dismissal, a pull) invalidates it at once, so
//     a member's own actions show on the next load;
//   - for a strict lookup (RecommendPhotos: the owner's own view), so does a write by one of
//     the owner's Flexplore neighbors (their faves, their name) or a rename of a photo's owner
//     on the page, so the owner watches their refresh land; other viewers' lookups
//     (RecommendPhotosVersion) treat those as below;
//   - any other write (a stranger's faves, which move the random-walk scores of RP3Beta and
//     Blend and the popularity counts, or a photo's title) leaves it valid for at most
//     Options.PageStale after it was computed. A hit older than half of that starts one
//     background recompute, so pages people keep loading stay fresh without waiting on it.
//
// With PageStale 0 only the first rule holds: every page-affecting write invalidates every
// page (they stay in memory until recomputed or evicted).
// Visits, tokens and registrations never affect pages (changesPages).
type pageCache struct {
	off      bool          // Options.NoPageCache
	size     int           // most entries kept
	stale    time.Duration // Options.PageStale
	mu       sync.Mutex
	pages    map[pageKey]*pageEntry
	version  uint64 // last version handed out
	inflight int    // background recomputes under way (at most one)
}

// lookup finds k's entry valid at generation gen of st, at time now; strict also checks the
// owner's neighbors. Call it holding the store's read lock, so gen and st's stamps describe the
// state being read. refresh is true when the caller should recompute the page in the
// background and put it (and then call refreshed).
func (c *pageCache) lookup(st *state, gen uint64, k pageKey, now time.Time, strict bool) (e *pageEntry, refresh bool) {
	if c.off || c.pages == nil {
		return nil, false
	}
	e = c.pages[k]
	if e == nil || e.gen == gen {
		return e, false
	}
	deps := e.deps[:1] // the owner
	if strict {
		deps = e.deps // and everyone else the page shows
	}
	for _, d := range deps {
		if st.stamp(d) > e.gen {
			if d == e.deps[0] {
				delete(c.pages, k) // stale for every viewer
			}
			return nil, false
		}
	}
	age := now.Sub(e.at)
	if age >= c.stale {
		return nil, false
	}
	if age >= c.stale/2 && !e.refreshing && c.inflight == 0 {
		e.refreshing = true
		c.inflight++
		return e, true
	}
	return e, false
}

// get returns the version of the page valid for k (see lookup) and, with withPage, a copy of
// the page (without, nothing is copied: the version is all a caller keeping JSON needs).
func (c *pageCache) get(st *state, gen uint64, k pageKey, now time.Time, strict, withPage bool) (p graph.PhotoPage, version uint64, refresh, ok bool) {
	if c.off {
		return graph.PhotoPage{}, 0, false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, refresh := c.lookup(st, gen, k, now, strict)
	if e == nil {
		return graph.PhotoPage{}, 0, false, false
	}
	if withPage {
		p = clonePage(e.page)
	}
	return p, e.version, refresh, true
}

// has reports whether a page is kept for k (valid or not).
func (c *pageCache) has(k pageKey) bool {
	if c.off {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[k] != nil
}

// clear drops every kept page.
func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages = nil
}

// put keeps a copy of p as the page for k computed at gen and time at from deps, and returns its
// version. A page computed at an older generation than the one kept for k is not kept.
func (c *pageCache) put(gen uint64, k pageKey, p graph.PhotoPage, deps []uint32, at time.Time) uint64 {
	if c.off {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil {
		c.pages = make(map[pageKey]*pageEntry)
	}
	old := c.pages[k]
	if old != nil && old.gen > gen {
		return 0
	}
	if old == nil && len(c.pages) >= c.size {
		c.evict()
	}
	c.version++
	c.pages[k] = &pageEntry{page: clonePage(p), version: c.version, gen: gen, deps: deps, at: at, refreshing: old != nil && old.refreshing}
	return c.version
}

// evict drops one entry: of up to 8 the map yields (in random order), the one computed
// longest ago that is not being refreshed.
func (c *pageCache) evict() {
	var victim pageKey
	var oldest *pageEntry
	n := 0
	for k, e := range c.pages {
		if !e.refreshing && (oldest == nil || e.at.Before(oldest.at)) {
			victim, oldest = k, e
		}
		if n++; n == 8 {
			break
		}
	}
	if oldest == nil { // all 8 being refreshed: at most one is (inflight), so this is a tiny cache
		for k := range c.pages {
			victim = k
			break
		}
	}
	delete(c.pages, victim)
}

// refreshed ends the background recompute of k that lookup started.
func (c *pageCache) refreshed(k pageKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight--
	if e := c.pages[k]; e != nil {
		e.refreshing = false
	}
}

// clonePage copies the parts of a page a caller might change: the item, Reasons and Users slices.
func clonePage(p graph.PhotoPage) graph.PhotoPage {
	items := make([]graph.PhotoRec, len(p.Items))
	for i, it := range p.Items {
		rs := make([]graph.Reason, len(it.Reasons))
		for j, r := range it.Reasons {
			r.Users = append([]graph.Contribution(nil), r.Users...)
			rs[j] = r
		}
		if it.Reasons == nil {
			rs = nil
		}
		it.Reasons = rs
		items[i] = it
	}
	return graph.PhotoPage{Items: items, NextCursor: p.NextCursor}
}

// changesPages tells whether an applied record can change a photo page. Visits, tokens and
// registrations are bookkeeping no page shows.
func changesPages(rec []byte) bool {
	if len(rec) == 0 {
		return false
	}
	switch rec[0] {
	case recRegister, recPutToken, recDeleteToken, recMarkVisit:
		return false
	}
	return true
}
