package server

import (
	"context"
	"sync"

	"github.com/photorec/photorec/graph"
)

// DefaultPageJSONBytes bounds the JSON of photo pages the server keeps when
// Options.PageJSONBytes is 0.
const DefaultPageJSONBytes = 512 << 20

// pageVersions is implemented by graph stores that keep computed photo pages under versions
// (graph/embedded): the server then keeps the JSON it made of each page and sends it again
// while the store says the same page is still current.
type pageVersions interface {
	// RecommendPhotosVersion is RecommendPhotos as viewers other than the owner get it (it may
	// lag the owner's neighbors' writes by a bounded time), plus the page's version (0: not kept).
	RecommendPhotosVersion(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, uint64, error)
	// PhotoPageVersion is the version of the page RecommendPhotos would return now, if kept.
	PhotoPageVersion(ctx context.Context, nsid string, opts graph.RecOptions) (uint64, bool)
}

// on reports whether the cache keeps anything.
func (c *pageJSONCache) on() bool { return c.budget >= 0 }

// jsonKey is what a photo page's JSON depends on besides the page itself, when no visit time
// is in play (the "new" flags and the cursor's since are then empty).
type jsonKey struct {
	nsid   string
	algo   graph.Algorithm
	limit  int
	why    int
	cursor string
}

type jsonEntry struct {
	version uint64
	body    []byte // never changed once stored: sent as is
}

// pageJSONCache keeps the JSON of photo pages by jsonKey, each valid for one page version,
// within a byte budget.
type pageJSONCache struct {
	budget int64
	mu     sync.Mutex
	bytes  int64
	m      map[jsonKey]jsonEntry
}

func newPageJSONCache(budget int64) *pageJSONCache {
	if budget == 0 {
		budget = DefaultPageJSONBytes
	}
	return &pageJSONCache{budget: budget, m: make(map[jsonKey]jsonEntry)}
}

// get returns the JSON kept for k at version.
func (c *pageJSONCache) get(k jsonKey, version uint64) ([]byte, bool) {
	if c.budget < 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || e.version != version {
		return nil, false
	}
	return e.body, true
}

// put keeps body as the JSON of k at version (a newer version replaces an older one), evicting
// other entries while over budget. The caller must not change body afterwards.
func (c *pageJSONCache) put(k jsonKey, version uint64, body []byte) {
	size := int64(len(body))
	if c.budget < 0 || version == 0 || size > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		if old.version > version {
			return
		}
		c.bytes -= int64(len(old.body))
	}
	c.m[k] = jsonEntry{version: version, body: body}
	c.bytes += size
	for other, e := range c.m {
		if c.bytes <= c.budget {
			break
		}
		if other != k {
			delete(c.m, other)
			c.bytes -= int64(len(e.body))
		}
	}
}
