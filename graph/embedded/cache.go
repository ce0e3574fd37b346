package embedded

import (
	"sync"

	"github.com/photorec/photorec/graph"
)

// pageCacheSize bounds the photo pages kept by pageCache.
const pageCacheSize = 4096

// pageKey is everything a photo page depends on besides the state.
type pageKey struct {
	nsid   string
	algo   graph.Algorithm
	limit  int
	why    int
	cursor string
}

// pageCache keeps recently computed photo pages, each valid only at the page generation it was
// computed at (Store.pageGen): any applied write a page can show (a fave, a dismissal, a pull, a
// user's name) makes every entry stale, so a hit is exactly what the query would compute now.
// Visits, tokens and registrations leave pages valid, so an owner reloading their own page
// (which records a visit) does not empty the cache for everyone. People reloading a page or paging back and forth
// between writes are served without a new traversal.
type pageCache struct {
	off   bool // Options.NoPageCache
	mu    sync.Mutex
	gen   uint64
	pages map[pageKey]graph.PhotoPage
}

// get returns a copy of the page cached for k at gen. Call it holding the store's read lock, so
// gen is the generation of the state being read.
func (c *pageCache) get(gen uint64, k pageKey) (graph.PhotoPage, bool) {
	if c.off {
		return graph.PhotoPage{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.pages == nil {
		return graph.PhotoPage{}, false
	}
	p, ok := c.pages[k]
	if !ok {
		return graph.PhotoPage{}, false
	}
	return clonePage(p), true
}

// put keeps a copy of p as the page for k at gen; a newer gen drops every older entry.
func (c *pageCache) put(gen uint64, k pageKey, p graph.PhotoPage) {
	if c.off {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen || c.pages == nil:
		c.gen = gen
		c.pages = make(map[pageKey]graph.PhotoPage)
	}
	if len(c.pages) >= pageCacheSize {
		for old := range c.pages {
			delete(c.pages, old)
			break
		}
	}
	c.pages[k] = clonePage(p)
}

// clonePage copies the parts of a page a caller might change: the item and Why slices.
func clonePage(p graph.PhotoPage) graph.PhotoPage {
	items := make([]graph.PhotoRec, len(p.Items))
	for i, it := range p.Items {
		it.Why = append([]graph.Contribution(nil), it.Why...)
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
