package embedded

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/photorec/photorec/graph"
)

// rlock takes the read lock unless the store is closed.
func (s *Store) rlock(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	return nil
}

func (st *state) userOf(i uint32) graph.User {
	u := &st.users[i]
	return graph.User{NSID: u.nsid, Username: u.username, Realname: u.realname, IconURL: u.icon}
}

func (st *state) photoOf(i uint32) graph.Photo {
	p := &st.photos[i]
	m := unpackMeta(p.meta)
	return graph.Photo{
		ID: p.id, Owner: st.users[st.owner[i]].nsid, Title: m[0], Farm: int(p.farm),
		Server: m[1], Secret: m[2], ThumbURL: m[3], ImageURL: m[4],
		Width: int(p.w), Height: int(p.h), AddedAt: fromNanos(p.addedAt),
	}
}

// lookup returns the index of a known user, or an error wrapping graph.ErrNotFound.
func (st *state) lookup(nsid string) (uint32, error) {
	i, ok := st.userIdx[nsid]
	if !ok {
		return 0, fmt.Errorf("embedded: user %s: %w", nsid, graph.ErrNotFound)
	}
	return i, nil
}

// User returns one user; graph.ErrNotFound if unknown.
func (s *Store) User(ctx context.Context, nsid string) (graph.User, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.User{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.User{}, err
	}
	defer s.mu.RUnlock()
	i, err := s.st.lookup(nsid)
	if err != nil {
		return graph.User{}, err
	}
	return s.st.userOf(i), nil
}

// Photo returns one photo added by a fave; graph.ErrNotFound otherwise.
func (s *Store) Photo(ctx context.Context, id string) (graph.Photo, error) {
	if err := graph.CheckID("photo_id", id); err != nil {
		return graph.Photo{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.Photo{}, err
	}
	defer s.mu.RUnlock()
	i, ok := lookupPhoto(s.st, id)
	if !ok || s.st.owner[i] == none {
		return graph.Photo{}, fmt.Errorf("embedded: photo %s: %w", id, graph.ErrNotFound)
	}
	return s.st.photoOf(i), nil
}

func (st *state) pullState(i uint32) graph.PullState {
	u := &st.users[i]
	var ps graph.PullState
	if x := u.x; x != nil {
		ps.LastPullAt = fromNanos(x.lastPull)
		ps.LastFullPullAt = fromNanos(x.lastFullPull)
		ps.Registered = x.registered
	}
	var newest uint32
	for _, at := range u.favedAt {
		newest = max(newest, at)
	}
	ps.NewestFaveAt = fromSecs(newest)
	return ps
}

// PullState returns nsid's pull bookkeeping; the zero value for an unknown user.
func (s *Store) PullState(ctx context.Context, nsid string) (graph.PullState, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.PullState{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.PullState{}, err
	}
	defer s.mu.RUnlock()
	i, ok := s.st.userIdx[nsid]
	if !ok {
		return graph.PullState{}, nil
	}
	return s.st.pullState(i), nil
}

// DueForRefresh lists registered users last pulled before olderThan: never pulled first, then
// oldest pull, then NSID; at most limit (>= 1).
func (s *Store) DueForRefresh(ctx context.Context, olderThan time.Time, limit int) ([]string, error) {
	if err := graph.CheckDueLimit(limit); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	cut := nanos(olderThan)
	type due struct {
		nsid string
		last int64
	}
	var all []due
	for i := range s.st.users {
		x := s.st.users[i].x
		if x != nil && x.registered && (x.lastPull == 0 || x.lastPull < cut) {
			all = append(all, due{s.st.users[i].nsid, x.lastPull})
		}
	}
	s.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool {
		if all[i].last != all[j].last {
			return all[i].last < all[j].last
		}
		return all[i].nsid < all[j].nsid
	})
	out := make([]string, 0, min(limit, len(all)))
	for _, d := range all[:min(limit, len(all))] {
		out = append(out, d.nsid)
	}
	return out, nil
}

// Token returns a copy of nsid's sealed credential; graph.ErrNotFound if there is none.
func (s *Store) Token(ctx context.Context, nsid string) ([]byte, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	i, ok := s.st.userIdx[nsid]
	if !ok || s.st.users[i].x == nil || s.st.users[i].x.token == nil {
		return nil, fmt.Errorf("embedded: token of %s: %w", nsid, graph.ErrNotFound)
	}
	return slices.Clone(s.st.users[i].x.token), nil
}

// Summary describes nsid; graph.ErrNotFound if unknown.
func (s *Store) Summary(ctx context.Context, nsid string) (graph.Summary, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.Summary{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return graph.Summary{}, err
	}
	defer s.mu.RUnlock()
	st := s.st
	i, err := st.lookup(nsid)
	if err != nil {
		return graph.Summary{}, err
	}
	nbrs := s.ranker.Neighbors(st, i, false)
	sum := graph.Summary{User: st.userOf(i), Faves: len(st.users[i].faves), Neighbors: len(nbrs), Pull: st.pullState(i)}
	for _, n := range nbrs {
		if x := st.users[n.User].x; x != nil && x.lastPull != 0 {
			sum.Pulled++
		}
	}
	if x := st.users[i].x; x != nil {
		sum.Contacts = len(x.contacts)
		sum.Dismissals = len(x.dismissedPhotos) + len(x.dismissedUsers)
	}
	return sum, nil
}

// Neighbors lists nsid's neighbors in the given order, at most limit (1..graph.MaxLimit).
func (s *Store) Neighbors(ctx context.Context, nsid string, order graph.NeighborOrder, limit int) ([]graph.Neighbor, error) {
	if err := graph.CheckNeighbors(nsid, order, limit); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	st := s.st
	i, err := st.lookup(nsid)
	if err != nil {
		return nil, err
	}
	nbrs := s.ranker.Neighbors(st, i, true)
	sort.Slice(nbrs, func(a, b int) bool {
		x, y := &nbrs[a], &nbrs[b]
		if order == graph.ByTaken && x.Taken != y.Taken {
			return x.Taken > y.Taken
		}
		if order == graph.ByScore && x.Score != y.Score {
			return x.Score > y.Score
		}
		return st.users[x.User].nsid < st.users[y.User].nsid
	})
	out := make([]graph.Neighbor, 0, min(limit, len(nbrs)))
	for _, n := range nbrs[:min(limit, len(nbrs))] {
		nb := graph.Neighbor{
			User: st.userOf(n.User), Taken: n.Taken, Common: n.Common,
			Total: len(st.users[n.User].faves), Score: n.Score,
		}
		if x := st.users[n.User].x; x != nil {
			nb.PulledAt = fromNanos(x.lastPull)
		}
		out = append(out, nb)
	}
	return out, nil
}

// CommonFaves lists photos faved by both a and b, newest fave of a first (unknown times last,
// ties by photo ID), at most limit (1..graph.MaxLimit).
func (s *Store) CommonFaves(ctx context.Context, a, b string, limit int) ([]graph.Photo, error) {
	if err := graph.CheckCommonFaves(a, b, limit); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	st := s.st
	ia, err := st.lookup(a)
	if err != nil {
		return nil, err
	}
	ib, err := st.lookup(b)
	if err != nil {
		return nil, err
	}
	type hit struct{ p, at uint32 }
	var hits []hit
	fa, fb := st.users[ia].faves, st.users[ib].faves
	for i, j := 0, 0; i < len(fa) && j < len(fb); {
		switch {
		case fa[i] < fb[j]:
			i++
		case fa[i] > fb[j]:
			j++
		default:
			hits = append(hits, hit{fa[i], st.users[ia].favedAt[i]})
			i++
			j++
		}
	}
	sort.Slice(hits, func(x, y int) bool {
		if hits[x].at != hits[y].at {
			return hits[x].at > hits[y].at
		}
		return st.photos[hits[x].p].id < st.photos[hits[y].p].id
	})
	out := make([]graph.Photo, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, st.photoOf(h.p))
	}
	return out, nil
}
