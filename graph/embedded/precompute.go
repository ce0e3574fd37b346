package embedded

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/photorec/photorec/graph"
)

// Precomputing first pages (Options.Precompute): when a member's pull lands, their first photo
// page under the default algorithm is computed off the request path and kept in the page cache,
// and so are the cached first pages of members who fave that member's photos (the landing
// changed their neighbor). At Open, registered members are queued too, so their pages are warm
// after a restart. The work is bounded, coalesced and given the lowest priority:
//
//   - the queue holds each member once (a member queued again keeps their place) and at most
//     Options.Precompute members; a landing queues at most maxFanOut others;
//   - one goroutine computes one page at a time, and waits while any photo query is being
//     answered, so requests never queue behind it.

// maxFanOut bounds the members with a cached first page a landing queues besides its own.
const maxFanOut = 256

// precomputer is the queue of members whose first page to compute.
type precomputer struct {
	max     int
	mu      sync.Mutex
	pending map[string]bool
	order   []string // FIFO of pending
	busy    bool     // a page is being computed
	wake    chan struct{}
	idle    *sync.Cond // signalled when the queue empties and nothing is computed
}

func newPrecomputer(limit int) *precomputer {
	p := &precomputer{max: limit, pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	p.idle = sync.NewCond(&p.mu)
	return p
}

// add queues members; those queued already keep their place; past max, the rest are dropped.
func (p *precomputer) add(nsids ...string) {
	p.mu.Lock()
	for _, n := range nsids {
		if p.pending[n] || len(p.order) >= p.max {
			continue
		}
		p.pending[n] = true
		p.order = append(p.order, n)
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// next takes the oldest queued member; ok is false when none is left.
func (p *precomputer) next() (nsid string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.order) == 0 {
		p.busy = false
		p.idle.Broadcast()
		return "", false
	}
	nsid, p.order = p.order[0], p.order[1:]
	delete(p.pending, nsid)
	p.busy = true
	return nsid, true
}

// stopped empties the queue for good (the store closed) and wakes WaitPrecomputed.
func (p *precomputer) stopped() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.order, p.pending, p.busy, p.max = nil, map[string]bool{}, false, 0
	p.idle.Broadcast()
}

// firstPage are the options of the page precomputed: what the API asks for a first visit.
func (s *Store) firstPage() graph.RecOptions {
	return graph.RecOptions{Algorithm: s.def, Limit: graph.DefaultLimit, Why: graph.DefaultWhy}
}

// precomputeLoop computes queued first pages until the store closes.
func (s *Store) precomputeLoop(stop <-chan struct{}) {
	defer s.bg.Done()
	p := s.pre
	for {
		select {
		case <-stop:
			return
		case <-p.wake:
		}
		for {
			nsid, ok := p.next()
			if !ok {
				break
			}
			for s.inflight.Load() > 0 { // lowest priority: let every request go first
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
			if _, _, err := s.recommendPhotos(context.Background(), nsid, s.firstPage(), true, false); err != nil &&
				!errors.Is(err, ErrClosed) && !errors.Is(err, graph.ErrNotFound) {
				s.log.Warn("graph page precompute failed", "user_nsid", nsid, "err", err)
			}
		}
	}
}

// landed queues the first pages a finished pull of nsid changes: nsid's own, and the cached
// first pages of members who fave nsid's photos.
func (s *Store) landed(nsid string) {
	if s.pre == nil || s.rlock(context.Background()) != nil {
		return
	}
	st := s.st
	u, ok := st.userIdx[nsid]
	if !ok {
		s.mu.RUnlock()
		return
	}
	queue := []string{nsid}
	seen := map[uint32]bool{u: true}
	opts, _, err := graph.NormalizeRecOptions(s.firstPage(), graph.PhotoCursor, s.def)
	if err == nil {
	fanOut:
		for _, p := range st.users[u].took {
			for _, v := range st.favers[p] {
				if seen[v] {
					continue
				}
				seen[v] = true
				if n := st.users[v].nsid; s.cache.has(keyOf(n, opts)) {
					queue = append(queue, n)
					if len(queue) > maxFanOut {
						break fanOut
					}
				}
			}
		}
	}
	s.mu.RUnlock()
	s.pre.add(queue...)
}

// WaitPrecomputed waits until no first page is queued or being computed (Options.Precompute),
// or ctx ends. For benchmarks and tests; it returns at once when precomputing is off.
func (s *Store) WaitPrecomputed(ctx context.Context) error {
	if s.pre == nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		s.pre.mu.Lock()
		for len(s.pre.order) > 0 || s.pre.busy {
			s.pre.idle.Wait()
		}
		s.pre.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
