package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/photorec/photorec/graph"
)

// Engine is what eval needs of a graph engine: load faves and contacts, rank photos under given
// constants, close.
type Engine interface {
	AddFaves(ctx context.Context, b graph.FavesBatch) error
	SetContacts(ctx context.Context, nsid string, contacts []graph.User) error
	RecommendPhotos(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, error)
	// SetParams replaces the ranking constants of the loaded graph.
	SetParams(p graph.Params)
	Close() error
}

// Opener opens a new, empty engine. Run closes it.
type Opener func(ctx context.Context) (Engine, error)

// Config is one evaluated configuration: an algorithm under a set of ranking constants. Label
// names the constants that differ from the defaults (for tables); "" when none do.
type Config struct {
	Algorithm graph.Algorithm
	Params    graph.Params
	Label     string
}

// DefaultKs are the cut-offs reported when Options.Ks is empty.
var DefaultKs = []int{10, 20, 50}

// Options tune Run and Evaluate. Zero values take the documented defaults.
type Options struct {
	Ks       []int     // cut-offs, ascending; empty means DefaultKs; the largest is at most graph.MaxLimit
	Workers  int       // concurrent rankings; 0 means GOMAXPROCS
	MaxUsers int       // evaluate at most this many held-out users (a seeded sample); 0 means all
	Seed     uint64    // seeds the user sample
	Progress io.Writer // receives a progress bar (carriage returns); nil means none
}

func (o Options) withDefaults() (Options, error) {
	if len(o.Ks) == 0 {
		o.Ks = DefaultKs
	}
	o.Ks = slices.Clone(o.Ks)
	slices.Sort(o.Ks)
	o.Ks = slices.Compact(o.Ks)
	if o.Ks[0] < 1 || o.Ks[len(o.Ks)-1] > graph.MaxLimit {
		return o, fmt.Errorf("eval: cut-offs must be between 1 and %d, got %v", graph.MaxLimit, o.Ks)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// Result is one configuration's figures.
type Result struct {
	Algorithm graph.Algorithm `json:"algorithm"`
	Params    string          `json:"params,omitempty"` // Config.Label
	Metrics
	MeanMS float64 `json:"mean_ms"` // mean wall time of one user's ranking, milliseconds
	P95MS  float64 `json:"p95_ms"`  // 95th percentile of the same
	// Breakdown splits HR and NDCG at the smallest K by where the held-out photo's owner stands.
	Breakdown []Bucket `json:"breakdown"`
	// PerUser holds each evaluated user's outcome at the smallest K, in TestUsers order (Compare).
	PerUser []UserOutcome `json:"-"`
}

// UserOutcome is one user's HR and NDCG at the smallest K.
type UserOutcome struct {
	HR, NDCG float64
}

// Run evaluates every configuration on split: it opens one engine with open, loads split.Train
// and split.Follows into it, and ranks under each configuration's constants in turn (SetParams).
// Results come in the order of configs.
func Run(ctx context.Context, open Opener, split Split, configs []Config, opts Options) (_ []Result, err error) {
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	e, err := open(ctx)
	if err != nil {
		return nil, fmt.Errorf("eval: open engine: %w", err)
	}
	defer func() {
		if cerr := e.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("eval: close engine: %w", cerr)
		}
	}()
	if err := Load(ctx, e, split, opts); err != nil {
		return nil, err
	}
	results := make([]Result, len(configs))
	for i, c := range configs {
		e.SetParams(c.Params)
		r, err := Evaluate(ctx, e, split, c.Algorithm, opts)
		if err != nil {
			return nil, err
		}
		r.Params = c.Label
		results[i] = r
	}
	return results, nil
}

// maxBatch caps the faves of one AddFaves call.
const maxBatch = 5000

// loadTime stamps the loaded batches; a fixed time keeps loads reproducible.
var loadTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Load adds split.Train (sorted by user) to e, one batch per user (split past maxBatch faves),
// one batch at a time so that the engine's content is the same on every run, then split.Follows
// as contacts, by follower in NSID order.
func Load(ctx context.Context, e Engine, split Split, opts Options) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	train := split.Train
	var batches []graph.FavesBatch
	for lo := 0; lo < len(train); {
		hi := lo
		for hi < len(train) && hi-lo < maxBatch && train[hi].User == train[lo].User {
			hi++
		}
		b := graph.FavesBatch{User: train[lo].User, PullID: "eval", At: loadTime, Faves: make([]graph.Fave, 0, hi-lo)}
		for _, f := range train[lo:hi] {
			gf := graph.Fave{Photo: graph.Photo{ID: f.Photo, Owner: f.Owner}}
			if f.FavedAt != 0 {
				gf.FavedAt = time.Unix(f.FavedAt, 0).UTC()
			}
			b.Faves = append(b.Faves, gf)
		}
		batches = append(batches, b)
		lo = hi
	}
	bar := newProgress(opts.Progress, "load", len(batches), "batches")
	defer bar.finish()
	// One batch at a time, in order: the engine numbers photos and users in the order it
	// applies writes, and that order fixes the order of floating-point sums, hence of near ties.
	err = forEach(ctx, len(batches), 1, func(ctx context.Context, i int) error {
		if err := e.AddFaves(ctx, batches[i]); err != nil {
			return fmt.Errorf("eval: load faves of %s: %w", batches[i].User, err)
		}
		bar.add(1)
		return nil
	})
	if err != nil {
		return err
	}
	followers := make([]string, 0, len(split.Follows))
	for u := range split.Follows {
		followers = append(followers, u)
	}
	slices.Sort(followers)
	for _, u := range followers {
		cs := make([]graph.User, 0, len(split.Follows[u]))
		for _, c := range split.Follows[u] {
			cs = append(cs, graph.User{NSID: c})
		}
		if err := e.SetContacts(ctx, u, cs); err != nil {
			return fmt.Errorf("eval: load contacts of %s: %w", u, err)
		}
	}
	return nil
}

// Evaluate ranks the whole catalog for every held-out user of split under algo (the user's
// training faves, own photos and dismissals excluded by the engine) and scores the top max K
// against the held-out photos. A held-out user the engine does not know gets an empty ranking.
// Figures other than times are deterministic for a given split, engine content and options.
func Evaluate(ctx context.Context, e Engine, split Split, algo graph.Algorithm, opts Options) (Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	users := sample(split.TestUsers(), opts.MaxUsers, opts.Seed)
	limit := opts.Ks[len(opts.Ks)-1]
	ranked := make([][]string, len(users))
	explained := make([][]bool, len(users))
	took := make([]time.Duration, len(users))
	bar := newProgress(opts.Progress, string(algo), len(users), "users")
	defer bar.finish()
	err = forEach(ctx, len(users), opts.Workers, func(ctx context.Context, i int) error {
		start := time.Now()
		page, err := e.RecommendPhotos(ctx, users[i], graph.RecOptions{Algorithm: algo, Limit: limit, Why: 1})
		took[i] = time.Since(start)
		if err != nil && !errors.Is(err, graph.ErrNotFound) {
			return fmt.Errorf("eval: %s recommendations for %s: %w", algo, users[i], err)
		}
		ids, why := make([]string, len(page.Items)), make([]bool, len(page.Items))
		for j, it := range page.Items {
			ids[j], why[j] = it.Photo.ID, len(it.Reasons) > 0
		}
		ranked[i], explained[i] = ids, why
		bar.add(1)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	t := NewTally(opts.Ks, catalogSize(split.Train))
	k := opts.Ks[0]
	cats := categories(split)
	buckets := make([]Bucket, len(bucketNames))
	for i := range buckets {
		buckets[i].Owner = bucketNames[i]
	}
	per := make([]UserOutcome, len(users))
	for i, u := range users {
		t.Add(ranked[i], split.Test[u])
		t.AddWhy(explained[i])
		h := Score(ranked[i], split.Test[u])
		per[i] = UserOutcome{HR: h.HitRate(k), NDCG: h.NDCG(k)}
		b := &buckets[cats[u]]
		b.Users++
		b.HR += per[i].HR
		b.NDCG += per[i].NDCG
	}
	for i := range buckets {
		if n := float64(buckets[i].Users); n > 0 {
			buckets[i].HR /= n
			buckets[i].NDCG /= n
		}
	}
	r := Result{Algorithm: algo, Metrics: t.Metrics(), Breakdown: buckets, PerUser: per}
	if len(took) > 0 {
		var sum time.Duration
		for _, d := range took {
			sum += d
		}
		slices.Sort(took)
		r.MeanMS = float64(sum) / float64(len(took)) / 1e6
		r.P95MS = float64(took[len(took)*95/100]) / 1e6
	}
	return r, nil
}

// catalogSize counts the distinct photos of train.
func catalogSize(train []Fave) int {
	seen := make(map[string]struct{}, len(train)/8)
	for _, f := range train {
		seen[f.Photo] = struct{}{}
	}
	return len(seen)
}

// sample returns at most n of users (sorted), drawn with a generator seeded by seed; n <= 0 or
// n >= len(users) returns users unchanged.
func sample(users []string, n int, seed uint64) []string {
	if n <= 0 || n >= len(users) {
		return users
	}
	r := rand.New(rand.NewPCG(seed, 0x73616d706c65)) // "sample"
	picked := slices.Clone(users)
	r.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
	picked = picked[:n]
	sort.Strings(picked)
	return picked
}

// forEach calls fn(ctx, i) for i in [0, n) on `workers` goroutines; the first error cancels the
// rest and is returned.
func forEach(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}
