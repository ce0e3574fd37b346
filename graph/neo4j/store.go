package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// Options configure Open. Zero values take the documented defaults.
type Options struct {
	URI      string // e.g. "neo4j://neo4j:7687" (routing) or "bolt://localhost:7687"; required
	Username string // "" connects without authentication
	Password string
	Database string                // "" is the server's default database
	Params   graph.FlexploreParams // the zero value means graph.DefaultFlexplore()
	Default  graph.Algorithm       // used when RecOptions.Algorithm is ""; "" means graph.Flexplore
	Logger   *slog.Logger          // nil discards
	// ReadTimeout bounds every read: the transaction timeout Neo4j enforces (driver.WithTxTimeout)
	// and the context deadline of the call, retries included. 0 means DefaultReadTimeout.
	ReadTimeout time.Duration
	// Ranking are the walk and hybrid constants of the stored rankings (its Flexplore part is
	// Params); the zero value means graph.DefaultParams().
	Ranking graph.Params
	// RankingSize is how many items a stored ranking keeps (0: DefaultRankingSize); pages past
	// them are empty. RankingStale is the age past which a read queues a recomputation (0:
	// DefaultRankingStale). RankOnRead computes a missing ranking, and every first page's, in the
	// request: for tests and small graphs, where reads must see the writes before them.
	RankingSize  int
	RankingStale time.Duration
	RankOnRead   bool
	// SkipSchemaCheck opens a database whose recorded migrations differ from this binary's;
	// only `photorec migrate` sets it (Open otherwise refuses with ErrSchema).
	SkipSchemaCheck bool
}

// DefaultReadTimeout is Options.ReadTimeout's default (config neo4j.read_timeout).
const DefaultReadTimeout = 5 * time.Second

// Store is the Neo4j graph.Store. It is safe for concurrent use; Close it when done.
type Store struct {
	drv       driver.DriverWithContext
	bookmarks driver.BookmarkManager // one per Store: a read sees this Store's earlier writes
	db        string
	params    graph.FlexploreParams
	def       graph.Algorithm
	log       *slog.Logger
	readLimit time.Duration

	ranker     *rank.Ranker
	rankSize   int
	rankStale  time.Duration
	rankOnRead bool
	rankQ      *rankQueue
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j and checks that it answers. It does not migrate: call Migrate (the
// `photorec migrate` subcommand does) before the first write. A server that cannot be reached
// gives an error that matches ErrUnavailable.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.URI == "" {
		return nil, errors.New("neo4j: open: empty URI")
	}
	auth := driver.NoAuth()
	if opts.Username != "" {
		auth = driver.BasicAuth(opts.Username, opts.Password, "")
	}
	drv, err := driver.NewDriverWithContext(opts.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("neo4j: open %s: %w", opts.URI, err)
	}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		_ = drv.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("neo4j: open %s: %w", opts.URI, mapErr(err))
	}
	s := &Store{
		drv:       drv,
		bookmarks: driver.NewBookmarkManager(driver.BookmarkManagerConfig{}),
		db:        opts.Database,
		params:    opts.Params,
		def:       opts.Default,
		log:       opts.Logger,
		readLimit: opts.ReadTimeout,
	}
	if s.readLimit <= 0 {
		s.readLimit = DefaultReadTimeout
	}
	rp := opts.Ranking
	if rp == (graph.Params{}) {
		rp = graph.DefaultParams()
	}
	rp.Flexplore = s.params
	s.ranker = rank.New(rp)
	s.rankSize, s.rankStale, s.rankOnRead = opts.RankingSize, opts.RankingStale, opts.RankOnRead
	if s.rankSize <= 0 {
		s.rankSize = DefaultRankingSize
	}
	if s.rankStale <= 0 {
		s.rankStale = DefaultRankingStale
	}
	if s.params == (graph.FlexploreParams{}) {
		s.params = graph.DefaultFlexplore()
	}
	s.rankQ = newRankQueue()
	if s.def == "" {
		s.def = graph.Flexplore
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if !opts.SkipSchemaCheck {
		if err := s.checkSchema(ctx); err != nil {
			_ = drv.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("neo4j: open %s: %w", opts.URI, err)
		}
	}
	go s.rankLoop()
	return s, nil
}

// checkSchema reads the recorded migrations and compares them with the binary's.
func (s *Store) checkSchema(ctx context.Context) error {
	ms, err := cypher.Migrations()
	if err != nil {
		return err
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("applied migrations: %w", err)
	}
	return checkSchema(applied, len(ms))
}

// Close stops the ranking queue (a ranking being computed is abandoned when its reads end) and
// releases the driver's connections. The Store must not be used afterwards.
func (s *Store) Close() error {
	if s.rankQ != nil {
		s.rankQ.close()
	}
	if err := s.drv.Close(context.Background()); err != nil {
		return fmt.Errorf("neo4j: close: %w", err)
	}
	return nil
}

// Ping runs a trivial read on a reader.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx tx) (struct{}, error) {
		_, err := run(ctx, tx, cypher.Ping, nil)
		return struct{}{}, err
	})
	return err
}

// tx is where statements run: a managed transaction of the driver.
type tx interface {
	Run(ctx context.Context, cypher string, params map[string]any) (driver.ResultWithContext, error)
}

// managed adapts a driver.ManagedTransaction to tx and remembers the access mode, so that run
// refuses a write statement inside a read transaction.
type managed struct {
	driver.ManagedTransaction
	mode cypher.Mode
}

func (s *Store) session(ctx context.Context, mode driver.AccessMode) driver.SessionWithContext {
	return s.drv.NewSession(ctx, driver.SessionConfig{
		DatabaseName:    s.db,
		AccessMode:      mode,
		BookmarkManager: s.bookmarks,
	})
}

// read runs work in a managed read transaction routed to a reader, within s.readLimit: the
// server terminates the transaction after it (driver.WithTxTimeout) and the call's context ends
// then, retries included. The driver retries transient errors, so work must not have side
// effects outside the transaction; a memory error is not retried (noRetry).
func read[T any](ctx context.Context, s *Store, work func(tx) (T, error)) (T, error) {
	limit := s.readLimit
	if ctx.Value(offRequestPath{}) != nil {
		limit = max(limit, offRequestReadTimeout)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	sess := s.session(ctx, driver.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	out, err := driver.ExecuteRead(ctx, sess, func(t driver.ManagedTransaction) (T, error) {
		out, err := work(managed{t, cypher.Read})
		return out, noRetry(err)
	}, driver.WithTxTimeout(limit))
	return out, mapErr(err)
}

// offRequestPath marks the context of work no request waits for (computing a stored ranking):
// its reads may run for offRequestReadTimeout instead of Options.ReadTimeout.
type offRequestPath struct{}

// offRequestReadTimeout bounds each read of a ranking's load (at most loadChunk users' faves).
const offRequestReadTimeout = time.Minute

// write runs work in a managed write transaction on the leader (retried by the driver on
// transient errors: every statement is idempotent).
func write[T any](ctx context.Context, s *Store, work func(tx) (T, error)) (T, error) {
	sess := s.session(ctx, driver.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	out, err := driver.ExecuteWrite(ctx, sess, func(t driver.ManagedTransaction) (T, error) {
		return work(managed{t, cypher.Write})
	})
	return out, mapErr(err)
}

// run is the only way a statement reaches Neo4j. It checks that params carries exactly the
// parameters the statement's header declares, that a write does not run in a read transaction,
// and that the result has the header's columns; then it returns every record.
func run(ctx context.Context, t tx, st cypher.Statement, params map[string]any) ([]*driver.Record, error) {
	if err := checkParams(st, params); err != nil {
		return nil, err
	}
	if m, ok := t.(managed); ok && m.mode == cypher.Read && st.Mode == cypher.Write {
		return nil, fmt.Errorf("neo4j: %s: a write statement in a read transaction", st.Name)
	}
	res, err := t.Run(ctx, st.Text, params)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
	}
	if len(st.Returns) > 0 {
		keys, err := res.Keys()
		if err != nil {
			return nil, fmt.Errorf("neo4j: %s: keys: %w", st.Name, err)
		}
		if !slices.Equal(keys, st.Returns) {
			return nil, fmt.Errorf("neo4j: %s: columns %v, header says %v", st.Name, keys, st.Returns)
		}
	}
	return recs, nil
}

// checkParams reports a difference between the keys of params and the header's parameters.
func checkParams(st cypher.Statement, params map[string]any) error {
	for _, p := range st.Params {
		if _, ok := params[p]; !ok {
			return fmt.Errorf("neo4j: %s: parameter $%s missing", st.Name, p)
		}
	}
	for k := range params {
		if !slices.Contains(st.Params, k) {
			return fmt.Errorf("neo4j: %s: parameter $%s not in the header", st.Name, k)
		}
	}
	return nil
}
