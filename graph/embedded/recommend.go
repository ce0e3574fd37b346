package embedded

import (
	"context"
	"errors"
	"fmt"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// RecommendPhotos ranks photos for nsid (see graph/score.go and graph/algorithms.go); one page
// per call, keyset-paged by opts.Cursor. Pages are served from the page cache while valid
// (cache.go): exact after the owner's and the owner's neighbors' writes, at most
// Options.PageStale behind anyone else's. It is the owner's own view.
func (s *Store) RecommendPhotos(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, error) {
	p, _, err := s.recommendPhotos(ctx, nsid, opts, false, true)
	return p, err
}

// RecommendPhotosVersion is RecommendPhotos for viewers other than the owner: a cached page
// stays valid after the neighbors' writes too, for at most Options.PageStale (only the owner's
// own writes invalidate it at once). It also returns the page's version: two calls that return
// the same non-zero version returned the same page, so a caller may keep what it made of a
// page (its JSON) under its version and reuse it while PhotoPageVersion returns the same
// version. 0 means the page was not kept (the page cache is off).
func (s *Store) RecommendPhotosVersion(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, uint64, error) {
	return s.recommendPhotos(ctx, nsid, opts, false, false)
}

// PhotoPageVersion returns the version of the page RecommendPhotosVersion would return now for
// the same arguments when that page is cached, without copying it; ok is false when it is not
// (or on any error, which RecommendPhotosVersion would then report).
func (s *Store) PhotoPageVersion(ctx context.Context, nsid string, opts graph.RecOptions) (version uint64, ok bool) {
	if s.cache.off || graph.CheckID("nsid", nsid) != nil {
		return 0, false
	}
	opts, _, err := graph.NormalizeRecOptions(opts, graph.PhotoCursor, s.def)
	if err != nil {
		return 0, false
	}
	if err := s.rlock(ctx); err != nil {
		return 0, false
	}
	defer s.mu.RUnlock()
	key := keyOf(nsid, opts)
	_, version, refresh, ok := s.cache.get(s.st, s.pageGen, key, s.now(), false, false)
	if refresh {
		s.refreshLater(nsid, opts, key)
	}
	return version, ok
}

// keyOf is the page cache's key of a query with normalized options.
func keyOf(nsid string, opts graph.RecOptions) pageKey {
	return pageKey{nsid: nsid, algo: opts.Algorithm, limit: opts.Limit, why: opts.Why, cursor: opts.Cursor}
}

// refreshLater recomputes the page of key in the background (the page cache asked for it) and
// puts it in the cache. Close waits for it. Callers may hold s.mu: bgMu is taken by nothing
// that waits on another lock.
func (s *Store) refreshLater(nsid string, opts graph.RecOptions, key pageKey) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		s.cache.refreshed(key)
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.cache.refreshed(key)
		if _, _, err := s.recommendPhotos(context.Background(), nsid, opts, true, false); err != nil && !errors.Is(err, ErrClosed) {
			s.log.Warn("graph page refresh failed", "user_nsid", nsid, "err", err)
		}
	}()
}

// recommendPhotos is RecommendPhotos (strict) or RecommendPhotosVersion; fresh skips the cache
// lookup (but still puts).
func (s *Store) recommendPhotos(ctx context.Context, nsid string, opts graph.RecOptions, fresh, strict bool) (graph.PhotoPage, uint64, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.PhotoPage{}, 0, err
	}
	opts, cur, err := graph.NormalizeRecOptions(opts, graph.PhotoCursor, s.def)
	if err != nil {
		return graph.PhotoPage{}, 0, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.PhotoPage{}, 0, err
	}
	defer s.mu.RUnlock()
	st := s.st
	u, err := st.lookup(nsid)
	if err != nil {
		return graph.PhotoPage{}, 0, err
	}
	key := keyOf(nsid, opts)
	now := s.now()
	if !fresh {
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		if p, version, refresh, ok := s.cache.get(st, s.pageGen, key, now, strict, true); ok {
			if refresh {
				s.refreshLater(nsid, opts, key)
			}
			return p, version, nil
		}
	}
	res := s.ranker.Photos(st, rank.Query{User: u, Algorithm: opts.Algorithm, Limit: opts.Limit + 1, Cursor: cur, Why: opts.Why})
	out := st.photoPage(res.Items, opts.Limit)
	var version uint64
	if !s.cache.off {
		deps := res.Deps
		for _, it := range res.Items[:len(out.Items)] {
			deps = append(deps, st.owner[it.Photo]) // their name shows
			for _, rs := range it.Reasons {
				for _, p := range rs.Users {
					deps = append(deps, p.User) // so do theirs
				}
			}
		}
		version = s.cache.put(s.pageGen, key, out, deps, now)
	}
	return out, version, nil
}

// photoPage turns ranked items (one more than limit when a next page exists) into a page.
func (st *state) photoPage(items []rank.Item, limit int) graph.PhotoPage {
	var next string
	if len(items) > limit {
		last := items[limit-1]
		next = graph.EncodeCursor(graph.Cursor{Kind: graph.PhotoCursor, Score: last.Score, ID: st.photos[last.Photo].id})
		items = items[:limit]
	}
	out := graph.PhotoPage{Items: make([]graph.PhotoRec, 0, len(items)), NextCursor: next}
	for _, it := range items {
		rec := graph.PhotoRec{Photo: st.photoOf(it.Photo), Owner: st.userOf(st.owner[it.Photo]), Score: it.Score}
		for _, rs := range it.Reasons {
			gr := graph.Reason{Kind: rs.Kind, Count: rs.Count}
			for _, p := range rs.Users {
				gr.Users = append(gr.Users, graph.Contribution{User: st.userOf(p.User), Score: p.Score, Common: p.Common})
			}
			rec.Reasons = append(rec.Reasons, gr)
		}
		out.Items = append(out.Items, rec)
	}
	return out
}

// RecommendUsers ranks nsid's neighbors by Flexplore score, minus contacts and dismissed users.
func (s *Store) RecommendUsers(ctx context.Context, nsid string, opts graph.RecOptions) (graph.UserPage, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.UserPage{}, err
	}
	opts, cur, err := graph.NormalizeRecOptions(opts, graph.UserCursor, s.def)
	if err != nil {
		return graph.UserPage{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.UserPage{}, err
	}
	defer s.mu.RUnlock()
	st := s.st
	u, err := st.lookup(nsid)
	if err != nil {
		return graph.UserPage{}, err
	}
	items := s.ranker.Users(st, u, opts.Limit+1, cur)
	var next string
	if len(items) > opts.Limit {
		last := items[opts.Limit-1]
		next = graph.EncodeCursor(graph.Cursor{Kind: graph.UserCursor, Score: last.Score, ID: st.users[last.User].nsid})
		items = items[:opts.Limit]
	}
	out := graph.UserPage{Items: make([]graph.UserRec, 0, len(items)), NextCursor: next}
	for _, it := range items {
		out.Items = append(out.Items, graph.UserRec{User: st.userOf(it.User), Score: it.Score, Common: it.Common, Total: it.Total})
	}
	return out, nil
}

// SimilarPhotos ranks photos like photoID for viewer ("" for anyone): graph/algorithms.go.
// Not cached: the walk from one photo is bounded by its favers' faves.
func (s *Store) SimilarPhotos(ctx context.Context, photoID, viewer string, opts graph.RecOptions) (graph.PhotoPage, error) {
	opts, cur, err := graph.NormalizeSimilarOptions(photoID, viewer, opts)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.PhotoPage{}, err
	}
	defer s.mu.RUnlock()
	st := s.st
	p, ok := lookupPhoto(st, photoID)
	if !ok || st.owner[p] == none {
		return graph.PhotoPage{}, fmt.Errorf("embedded: photo %s: %w", photoID, graph.ErrNotFound)
	}
	v := uint32(rank.None)
	if viewer != "" {
		if v, err = st.lookup(viewer); err != nil {
			return graph.PhotoPage{}, err
		}
	}
	res := s.ranker.Similar(st, p, rank.Query{User: v, Limit: opts.Limit + 1, Cursor: cur, Why: opts.Why})
	return st.photoPage(res.Items, opts.Limit), nil
}

// SetParams replaces the ranking constants, for offline evaluation and tuning (eval ranks one
// loaded graph under many). Every kept page is dropped.
func (s *Store) SetParams(p graph.Params) {
	if p == (graph.Params{}) {
		p = graph.DefaultParams()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ranker = rank.New(p)
	s.cache.clear()
}
