package embedded

import (
	"context"
	"errors"
	"sort"

	"github.com/photorec/photorec/graph"
)

// nbr is one neighbor of the user being scored.
type nbr struct {
	u                        uint32
	taken, common, dismissed int32
	score                    float64
}

// Flags in scratch.pflag and scratch.uflag.
const (
	pFaved     = 1 // the user faved the photo
	pDismissed = 2 // the user dismissed the photo
	uContact   = 1 // the user follows this user
	uDismissed = 2 // the user dismissed this user
)

// scratch is per-query working memory, sized to the graph and reused through a sync.Pool.
// Every array is all zero between queries: each query clears exactly what it set.
type scratch struct {
	pflag   []uint8   // per photo
	acc     []float64 // per photo: score being summed
	touched []uint32  // photos with acc != 0
	uslot   []int32   // per user: 1 + index in nbrs, 0 when not a neighbor
	uflag   []uint8   // per user
	nbrs    []nbr
	user    uint32
	marked  bool // pflag/uflag set for user
	top     topK
	whyBuf  []candidate
}

func (s *Store) getScratch(st *state) *scratch {
	sc, _ := s.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if n := len(st.photos); len(sc.pflag) < n {
		n += n / 4
		sc.pflag = make([]uint8, n)
		sc.acc = make([]float64, n)
	}
	if n := len(st.users); len(sc.uslot) < n {
		n += n / 4
		sc.uslot = make([]int32, n)
		sc.uflag = make([]uint8, n)
	}
	return sc
}

// putScratch clears what the query set and returns sc to the pool.
func (s *Store) putScratch(sc *scratch) {
	for _, p := range sc.touched {
		sc.acc[p] = 0
	}
	sc.touched = sc.touched[:0]
	for _, n := range sc.nbrs {
		sc.uslot[n.u] = 0
	}
	sc.nbrs = sc.nbrs[:0]
	sc.top.items = sc.top.items[:0]
	sc.marked = false
	// pflag and uflag were cleared by unmark, called by whoever marked.
	s.pool.Put(sc)
}

// mark sets the per-photo and per-user flags of user u.
func (sc *scratch) mark(st *state, u uint32) {
	sc.user, sc.marked = u, true
	for _, p := range st.users[u].faves {
		sc.pflag[p] |= pFaved
	}
	if x := st.users[u].x; x != nil {
		for _, p := range x.dismissedPhotos {
			sc.pflag[p] |= pDismissed
		}
		for _, v := range x.contacts {
			sc.uflag[v] |= uContact
		}
		for _, v := range x.dismissedUsers {
			sc.uflag[v] |= uDismissed
		}
	}
}

// unmark clears what mark set.
func (sc *scratch) unmark(st *state) {
	if !sc.marked {
		return
	}
	u := sc.user
	for _, p := range st.users[u].faves {
		sc.pflag[p] = 0
	}
	if x := st.users[u].x; x != nil {
		for _, p := range x.dismissedPhotos {
			sc.pflag[p] = 0
		}
		for _, v := range x.contacts {
			sc.uflag[v] = 0
		}
		for _, v := range x.dismissedUsers {
			sc.uflag[v] = 0
		}
	}
	sc.marked = false
}

// markNeighbors fills sc.nbrs with u's neighbors and how many of u's faves each took.
func (sc *scratch) markNeighbors(st *state, u uint32) {
	for _, p := range st.users[u].faves {
		o := st.photos[p].owner
		if o == u || o == none {
			continue
		}
		if sc.uslot[o] == 0 {
			sc.nbrs = append(sc.nbrs, nbr{u: o})
			sc.uslot[o] = int32(len(sc.nbrs))
		}
		sc.nbrs[sc.uslot[o]-1].taken++
	}
}

// scoreNeighbors fills sc.nbrs with u's neighbors and their Flexplore scores. It marks u and
// leaves the marks set; the caller unmarks.
//
// A neighbor's common (dismissed) count is how many of u's faved (dismissed) photos they faved.
// It walks whichever side is shorter: the faves of every neighbor, testing u's marks
// (countViaNeighbors), or the favers of u's faved and dismissed photos, counting the neighbors
// among them (countViaFavers). Both give the same integers.
func (sc *scratch) scoreNeighbors(st *state, u uint32, params graph.FlexploreParams) {
	sc.mark(st, u)
	sc.markNeighbors(st, u)
	viaNeighbors, viaFavers := 0, 0
	for i := range sc.nbrs {
		viaNeighbors += len(st.users[sc.nbrs[i].u].faves)
	}
	for _, ps := range [][]uint32{st.users[u].faves, dismissedPhotos(st, u)} {
		for _, p := range ps {
			viaFavers += len(st.favers[p])
		}
	}
	if viaFavers < viaNeighbors {
		sc.countViaFavers(st, u)
	} else {
		sc.countViaNeighbors(st)
	}
	for i := range sc.nbrs {
		n := &sc.nbrs[i]
		n.score = graph.NeighborScore(params, int(n.common), int(n.dismissed), len(st.users[n.u].faves))
	}
}

// dismissedPhotos are the photos u dismissed (sorted).
func dismissedPhotos(st *state, u uint32) []uint32 {
	if x := st.users[u].x; x != nil {
		return x.dismissedPhotos
	}
	return nil
}

// countViaNeighbors sets each neighbor's common and dismissed counts from the neighbor's faves
// and u's marks (mark).
func (sc *scratch) countViaNeighbors(st *state) {
	pflag := sc.pflag
	for i := range sc.nbrs {
		n := &sc.nbrs[i]
		var common, dismissed int32
		for _, p := range st.users[n.u].faves {
			f := pflag[p]
			common += int32(f & pFaved)
			dismissed += int32(f >> 1)
		}
		n.common, n.dismissed = common, dismissed
	}
}

// countViaFavers sets each neighbor's common and dismissed counts from the favers of u's faved
// and dismissed photos (the counts start at zero: markNeighbors).
func (sc *scratch) countViaFavers(st *state, u uint32) {
	uslot := sc.uslot
	for _, p := range st.users[u].faves {
		for _, v := range st.favers[p] {
			if slot := uslot[v]; slot != 0 {
				sc.nbrs[slot-1].common++
			}
		}
	}
	for _, p := range dismissedPhotos(st, u) {
		for _, v := range st.favers[p] {
			if slot := uslot[v]; slot != 0 {
				sc.nbrs[slot-1].dismissed++
			}
		}
	}
}

// candidate is one ranked item: an index (photo or user), its score and its ID.
type candidate struct {
	idx   uint32
	score float64
	id    string
}

// before reports whether a ranks before b: score desc, then ID asc.
func before(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}

// topK keeps the k best candidates seen, as a heap with the worst kept at the root.
type topK struct {
	k     int
	items []candidate
}

func (t *topK) reset(k int) { t.k, t.items = k, t.items[:0] }

// admits reports whether a candidate of this score could enter: a cheap test before the ID
// string is fetched.
func (t *topK) admits(score float64) bool {
	return len(t.items) < t.k || score >= t.items[0].score
}

func (t *topK) push(c candidate) {
	h := t.items
	if len(h) < t.k {
		h = append(h, c)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !before(&h[parent], &h[i]) { // parent is already worse
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		t.items = h
		return
	}
	if !before(&c, &h[0]) {
		return
	}
	h[0] = c
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && before(&h[worst], &h[l]) {
			worst = l
		}
		if r < len(h) && before(&h[worst], &h[r]) {
			worst = r
		}
		if worst == i {
			break
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// sorted returns the kept candidates best first.
func (t *topK) sorted() []candidate {
	sort.Slice(t.items, func(i, j int) bool { return before(&t.items[i], &t.items[j]) })
	return t.items
}

// page splits ranked candidates into at most limit items and the cursor of the next page.
func page(ranked []candidate, limit int, kind graph.CursorKind) ([]candidate, string) {
	if len(ranked) <= limit {
		return ranked, ""
	}
	last := ranked[limit-1]
	return ranked[:limit], graph.EncodeCursor(graph.Cursor{Kind: kind, Score: last.score, ID: last.id})
}

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
	opts, _, err := graph.NormalizeRecOptionsOf(opts, graph.PhotoCursor, s.def, algorithms...)
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
	opts, cur, err := graph.NormalizeRecOptionsOf(opts, graph.PhotoCursor, s.def, algorithms...)
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
		if p, version, refresh, ok := s.cache.get(st, s.pageGen, key, now, strict, true); ok {
			if refresh {
				s.refreshLater(nsid, opts, key)
			}
			return p, version, nil
		}
	}
	sc := s.getScratch(st)
	defer s.putScratch(sc)
	defer sc.unmark(st)
	sc.top.reset(opts.Limit + 1)
	consider := func(p uint32, score float64) {
		if !sc.top.admits(score) {
			return
		}
		ph := &st.photos[p]
		if ph.owner == u || sc.uflag[ph.owner]&uDismissed != 0 {
			return
		}
		if cur != nil && !cur.After(score, ph.id) {
			return
		}
		sc.top.push(candidate{idx: p, score: score, id: ph.id})
	}
	if opts.Algorithm == graph.Popularity {
		sc.mark(st, u)
		pflag := sc.pflag
		for p, n := range st.count {
			if n == 0 || pflag[p] != 0 || !sc.top.admits(float64(n)) {
				continue
			}
			consider(uint32(p), float64(n)) // a counted photo has an owner
		}
	} else if opts.Algorithm != graph.Flexplore {
		sc.scoreNeighbors(st, u, s.params)
		sc.rankOther(st, u, opts.Algorithm) // algo_walk.go
		for _, p := range sc.touched {
			consider(p, sc.acc[p])
		}
	} else {
		sc.scoreNeighbors(st, u, s.params)
		sc.flexplore(st, u) // algo_walk.go
		for _, p := range sc.touched {
			consider(p, sc.acc[p])
		}
	}
	items, next := page(sc.top.sorted(), opts.Limit, graph.PhotoCursor)
	out := graph.PhotoPage{Items: make([]graph.PhotoRec, 0, len(items)), NextCursor: next}
	for _, c := range items {
		rec := graph.PhotoRec{Photo: st.photoOf(c.idx), Owner: st.userOf(st.photos[c.idx].owner), Score: c.score}
		if opts.Algorithm != graph.Popularity {
			rec.Why = sc.why(st, c.idx, opts.Why)
		}
		out.Items = append(out.Items, rec)
	}
	var version uint64
	if !s.cache.off {
		deps := make([]uint32, 0, 1+len(sc.nbrs)+len(items))
		deps = append(deps, u)
		for _, n := range sc.nbrs {
			deps = append(deps, n.u)
		}
		for _, c := range items {
			if o := st.photos[c.idx].owner; sc.uslot[o] == 0 {
				deps = append(deps, o) // not a neighbor: only their name shows
			}
		}
		version = s.cache.put(s.pageGen, key, out, deps, now)
	}
	return out, version, nil
}

// why lists the positive-score neighbors who faved p, strongest first, at most n. It walks
// whichever is shorter: the photo's favers, or the neighbors (binary search in their faves).
func (sc *scratch) why(st *state, p uint32, n int) []graph.Contribution {
	best := sc.whyBuf[:0]
	add := func(slot int32) {
		nb := &sc.nbrs[slot-1]
		if nb.score <= 0 {
			return
		}
		c := candidate{idx: nb.u, score: nb.score}
		if len(best) == n && !(c.score > best[n-1].score || c.score == best[n-1].score && st.users[c.idx].nsid < best[n-1].id) {
			return
		}
		c.id = st.users[c.idx].nsid
		i := len(best)
		if i < n {
			best = append(best, c)
		} else {
			i = n - 1
		}
		for ; i > 0 && before(&c, &best[i-1]); i-- {
			best[i] = best[i-1]
		}
		best[i] = c
	}
	if favers := st.favers[p]; len(favers) <= 16*len(sc.nbrs) {
		for _, v := range favers {
			if slot := sc.uslot[v]; slot != 0 {
				add(slot)
			}
		}
	} else {
		for i := range sc.nbrs {
			if sc.nbrs[i].score > 0 && hasSorted(st.users[sc.nbrs[i].u].faves, p) {
				add(int32(i + 1))
			}
		}
	}
	sc.whyBuf = best[:0]
	out := make([]graph.Contribution, 0, len(best))
	for _, c := range best {
		out = append(out, graph.Contribution{User: st.userOf(c.idx), Score: c.score})
	}
	return out
}

// RecommendUsers ranks nsid's neighbors by Flexplore score, minus contacts and dismissed users.
func (s *Store) RecommendUsers(ctx context.Context, nsid string, opts graph.RecOptions) (graph.UserPage, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.UserPage{}, err
	}
	opts, cur, err := graph.NormalizeRecOptionsOf(opts, graph.UserCursor, s.def, algorithms...)
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
	sc := s.getScratch(st)
	defer s.putScratch(sc)
	defer sc.unmark(st)
	sc.scoreNeighbors(st, u, s.params)
	sc.top.reset(opts.Limit + 1)
	for i, n := range sc.nbrs {
		if sc.uflag[n.u] != 0 || !sc.top.admits(n.score) {
			continue
		}
		id := st.users[n.u].nsid
		if cur != nil && !cur.After(n.score, id) {
			continue
		}
		sc.top.push(candidate{idx: uint32(i), score: n.score, id: id})
	}
	items, next := page(sc.top.sorted(), opts.Limit, graph.UserCursor)
	out := graph.UserPage{Items: make([]graph.UserRec, 0, len(items)), NextCursor: next}
	for _, c := range items {
		n := sc.nbrs[c.idx]
		out.Items = append(out.Items, graph.UserRec{
			User: st.userOf(n.u), Score: n.score, Common: int(n.common), Total: len(st.users[n.u].faves),
		})
	}
	return out, nil
}
