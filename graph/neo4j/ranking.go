package neo4j

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// Stored rankings. Every algorithm but Flexplore and Popularity (which have bounded live
// statements) is served from a ranking computed off the request path: the member's hood is
// loaded with the rank_* statements, ranked by package rank (the embedded engine's code), and
// its first Options.RankingSize items are stored as (:Ranking {key})-[:RANKS]->(:Photo) with
// their scores and reasons (store_ranking). Pages are read by keyset (ranking_page), leaving out
// what the member faved or dismissed since. A member without a stored ranking gets Flexplore
// live while one is computed.

// Defaults of the ranking options.
const (
	DefaultRankingSize  = 500
	DefaultRankingStale = 5 * time.Minute
	rankQueueMax        = 65536
	rankTimeout         = 2 * time.Minute
)

// storedAlgorithm reports whether algo is served from stored rankings.
func storedAlgorithm(algo graph.Algorithm) bool {
	return algo != graph.Flexplore && algo != graph.Popularity
}

// rankingKey is the Ranking node's key.
func rankingKey(nsid string, algo graph.Algorithm) string { return nsid + "/" + string(algo) }

// rankJob is one ranking to compute.
type rankJob struct {
	nsid string
	algo graph.Algorithm
}

// rankQueue holds the rankings waiting to be computed, each once; past rankQueueMax, new ones
// are dropped (a later read or pull asks again).
type rankQueue struct {
	mu        sync.Mutex
	pending   map[rankJob]bool
	order     []rankJob
	wake      chan struct{}
	stop      chan struct{}
	done      chan struct{}
	ctx       context.Context // canceled by close: the ranking being computed ends
	cancel    context.CancelFunc
	closeOnce sync.Once
}

func newRankQueue() *rankQueue {
	ctx, cancel := context.WithCancel(context.Background())
	return &rankQueue{pending: map[rankJob]bool{}, wake: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{}), ctx: ctx, cancel: cancel}
}

// close ends the loop and waits for it; a second call does nothing.
func (q *rankQueue) close() {
	q.closeOnce.Do(func() {
		q.cancel()
		close(q.stop)
		<-q.done
	})
}

// add queues j unless it is queued already or the queue is full.
func (q *rankQueue) add(j rankJob) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending[j] || len(q.order) >= rankQueueMax {
		return
	}
	q.pending[j] = true
	q.order = append(q.order, j)
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *rankQueue) next() (rankJob, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return rankJob{}, false
	}
	j := q.order[0]
	q.order = q.order[1:]
	delete(q.pending, j)
	return j, true
}

// rankLoop computes queued rankings one at a time until Close.
func (s *Store) rankLoop() {
	defer close(s.rankQ.done)
	for {
		j, ok := s.rankQ.next()
		if !ok {
			select {
			case <-s.rankQ.wake:
				continue
			case <-s.rankQ.stop:
				return
			}
		}
		ctx, cancel := context.WithTimeout(s.rankQ.ctx, rankTimeout)
		start := time.Now()
		err := s.Rank(ctx, j.nsid, j.algo)
		cancel()
		if err != nil {
			s.log.Warn("ranking failed", "user_nsid", j.nsid, "algorithm", string(j.algo), "err", err)
			continue
		}
		s.log.Debug("ranking stored", "user_nsid", j.nsid, "algorithm", string(j.algo), "duration_ms", time.Since(start).Milliseconds())
	}
}

// Rank computes nsid's photo ranking under algo (a stored algorithm) from its loaded
// neighborhood and stores its first Options.RankingSize items, replacing the stored one. It is
// what the background queue runs; calling it directly is safe and idempotent.
func (s *Store) Rank(ctx context.Context, nsid string, algo graph.Algorithm) error {
	if !s.rankOnRead {
		ctx = context.WithValue(ctx, offRequestPath{}, true)
	}
	h, res, err := rankMember(ctx, neo4jAdjacency{s}, s.ranker, nsid, rank.Query{Algorithm: algo, Limit: s.rankSize, Why: graph.MaxWhy})
	if err != nil {
		return fmt.Errorf("neo4j: rank %s for %s: load: %w", algo, nsid, err)
	}
	people, err := s.people(ctx, h, res.Items)
	if err != nil {
		return fmt.Errorf("neo4j: rank %s for %s: %w", algo, nsid, err)
	}
	rows := make([]any, 0, len(res.Items))
	items := slices.Clone(res.Items) // in photo ID order: the write locks photos as batches do
	slices.SortFunc(items, func(a, b rank.Item) int { return strings.Compare(h.PhotoID(a.Photo), h.PhotoID(b.Photo)) })
	for _, it := range items {
		js, err := json.Marshal(reasonsOf(h, people, it.Reasons))
		if err != nil {
			return fmt.Errorf("neo4j: rank %s for %s: %w", algo, nsid, err)
		}
		rows = append(rows, map[string]any{"photo_id": h.PhotoID(it.Photo), "score": it.Score, "reasons": string(js)})
	}
	params := map[string]any{"key": rankingKey(nsid, algo), "nsid": nsid, "algorithm": string(algo), "at": nanos(time.Now()), "rows": rows}
	if err := s.exec(ctx, cypher.StoreRanking, params); err != nil {
		return fmt.Errorf("neo4j: store ranking %s for %s: %w", algo, nsid, err)
	}
	return nil
}

// Rerank recomputes nsid's stored rankings: the default algorithm's and every other one stored
// for nsid (worker's graph:rank, once a refresh run of nsid ended). Errors are joined; each
// ranking that succeeds is stored.
func (s *Store) Rerank(ctx context.Context, nsid string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	var keys []any
	for _, a := range graph.AlgorithmNames() {
		if storedAlgorithm(a) {
			keys = append(keys, rankingKey(nsid, a))
		}
	}
	stored, err := read(ctx, s, func(t tx) ([]graph.Algorithm, error) {
		recs, err := run(ctx, t, cypher.RankingAlgorithms, map[string]any{"keys": keys})
		var out []graph.Algorithm
		for _, r := range recs {
			out = append(out, graph.Algorithm(str(row{r}.get("algorithm"))))
		}
		return out, err
	})
	if err != nil {
		return fmt.Errorf("neo4j: rerank %s: %w", nsid, err)
	}
	if storedAlgorithm(s.def) && !slices.Contains(stored, s.def) {
		stored = append(stored, s.def)
	}
	var errs []error
	for _, a := range stored {
		errs = append(errs, s.Rank(ctx, nsid, a))
	}
	return errors.Join(errs...)
}

// people returns the display fields of every person the items' reasons name.
func (s *Store) people(ctx context.Context, h *hood, items []rank.Item) (map[string]graph.User, error) {
	var nsids []string
	for _, it := range items {
		for _, r := range it.Reasons {
			for _, p := range r.Users {
				nsids = append(nsids, h.NSID(p.User))
			}
		}
	}
	slices.Sort(nsids)
	nsids = slices.Compact(nsids)
	out := make(map[string]graph.User, len(nsids))
	for chunk := range slices.Chunk(nsids, loadChunk) {
		us, err := read(ctx, s, func(t tx) ([]graph.User, error) {
			recs, err := run(ctx, t, cypher.RankUsers, map[string]any{"users": anys(chunk)})
			var out []graph.User
			for _, r := range recs {
				out = append(out, decodeUser(row{r}.get("user")))
			}
			return out, err
		})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			out[u.NSID] = u
		}
	}
	return out, nil
}

// reasonsOf turns a ranking's reasons (indexes) into graph reasons (people by their fields).
func reasonsOf(h rank.Graph, people map[string]graph.User, rs []rank.Reason) []graph.Reason {
	out := make([]graph.Reason, 0, len(rs))
	for _, r := range rs {
		gr := graph.Reason{Kind: r.Kind, Count: r.Count}
		for _, p := range r.Users {
			u, ok := people[h.NSID(p.User)]
			if !ok {
				u = graph.User{NSID: h.NSID(p.User)}
			}
			gr.Users = append(gr.Users, graph.Contribution{User: u, Score: p.Score, Common: p.Common})
		}
		out = append(out, gr)
	}
	return out
}

// storedPage serves one page of nsid's stored ranking under opts.Algorithm. ok is false when
// there is no stored ranking: the caller serves Flexplore live. A missing or stale ranking is
// queued for computing; with Options.RankOnRead a first page computes it here instead.
func (s *Store) storedPage(ctx context.Context, nsid string, opts graph.RecOptions, cur *graph.Cursor) (graph.PhotoPage, bool, error) {
	key := rankingKey(nsid, opts.Algorithm)
	type state struct {
		computed time.Time
		found    bool
	}
	st, err := read(ctx, s, func(t tx) (state, error) {
		if _, err := userIn(ctx, t, nsid); err != nil {
			return state{}, err
		}
		recs, err := run(ctx, t, cypher.RankingState, map[string]any{"key": key})
		if err != nil || len(recs) == 0 {
			return state{}, err
		}
		return state{timeOf(row{recs[0]}.get("computed_at")), true}, nil
	})
	if err != nil {
		return graph.PhotoPage{}, false, err
	}
	computed, found := st.computed, st.found
	stale := !found || time.Since(computed) > s.rankStale
	switch {
	case s.rankOnRead && (cur == nil || !found):
		if err := s.Rank(ctx, nsid, opts.Algorithm); err != nil {
			return graph.PhotoPage{}, false, err
		}
	case stale:
		s.rankQ.add(rankJob{nsid, opts.Algorithm})
		if !found {
			return graph.PhotoPage{}, false, nil
		}
	}
	params := pageParams(map[string]any{"key": key, "nsid": nsid}, cur, opts.Limit)
	page, err := read(ctx, s, func(t tx) (graph.PhotoPage, error) {
		recs, err := run(ctx, t, cypher.RankingPage, params)
		if err != nil {
			return graph.PhotoPage{}, err
		}
		var page graph.PhotoPage
		for _, rec := range recs {
			r := row{rec}
			owner := decodeUser(r.get("owner"))
			var reasons []graph.Reason
			if err := json.Unmarshal([]byte(str(r.get("reasons"))), &reasons); err != nil {
				return graph.PhotoPage{}, fmt.Errorf("neo4j: stored reasons of %s: %w", key, err)
			}
			page.Items = append(page.Items, graph.PhotoRec{
				Photo:   decodePhoto(r.get("photo"), owner.NSID),
				Owner:   owner,
				Score:   float(r.get("score")),
				Reasons: trimWhy(reasons, opts.Why),
			})
		}
		cutPage(&page, opts.Limit)
		return page, nil
	})
	return page, true, err
}

// trimWhy keeps at most why people per reason (stored with graph.MaxWhy).
func trimWhy(rs []graph.Reason, why int) []graph.Reason {
	for i := range rs {
		if len(rs[i].Users) > why {
			rs[i].Users = rs[i].Users[:why]
		}
	}
	return rs
}

// cutPage keeps limit items and sets NextCursor when the statement returned one more.
func cutPage(page *graph.PhotoPage, limit int) {
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = graph.EncodeCursor(graph.Cursor{Kind: graph.PhotoCursor, Score: last.Score, ID: last.Photo.ID})
	}
}

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
