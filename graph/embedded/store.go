package embedded

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// Options configures Open. The zero value of every field but Dir is a usable default.
type Options struct {
	// Dir holds the log and snapshot files; it is created if missing. Required.
	Dir string
	// Params are the ranking constants; the zero value means graph.DefaultParams().
	Params graph.Params
	// Default is the algorithm used when RecOptions.Algorithm is ""; "" means graph.Flexplore.
	Default graph.Algorithm
	// Logger receives open, snapshot and error events; nil discards them.
	Logger *slog.Logger
	// SnapshotBytes is how many bytes of log make a new snapshot worth writing (at least this
	// much, and at least the size of the last snapshot); 0 means 64 MiB.
	SnapshotBytes int64
	// NoPageCache turns off the cache of photo pages (cache.go), so every RecommendPhotos call
	// traverses the graph: for benchmarks that measure the traversal itself.
	NoPageCache bool
	// PageCacheSize is the most photo pages the cache keeps; 0 means DefaultPageCacheSize.
	PageCacheSize int
	// PageStale is how long a cached photo page may be served after writes that are neither the
	// owner's nor one of the owner's neighbors' (cache.go); a hit older than half of it is
	// recomputed in the background. 0 means never: every page-affecting write invalidates
	// every page.
	PageStale time.Duration
	// Precompute is the most members whose first photo page waits to be computed off the
	// request path after their data lands (precompute.go); 0 turns precomputing off.
	Precompute int

	walFileBytes int64            // tests shrink it; 0 means walFileBytes
	now          func() time.Time // tests set the page cache's clock; nil means time.Now
}

var _ graph.Store = (*Store)(nil)

// ErrClosed is returned by every call on a closed Store.
var ErrClosed = errors.New("embedded: store closed")

// Store is the embedded engine. Writes are queued to a two-stage pipeline: logLoop appends a
// group of them to the log in one bbolt transaction (one commit, fsynced), then applyLoop applies
// them in log order while the next group is being logged; a write returns once it is durable
// and visible. Reads share a read lock and are served while writes are logged; they wait only
// while a group is applied to memory.
type Store struct {
	dir      string
	ranker   *rank.Ranker
	def      graph.Algorithm
	log      *slog.Logger
	snapMin  int64
	walFile  int64
	lockFile *os.File

	mu       sync.RWMutex // guards st
	st       *state
	cache    pageCache      // computed photo pages (cache.go)
	pageGen  uint64         // guarded by mu; bumped by applied writes a photo page can show
	bg       sync.WaitGroup // background page refreshes; Close waits for them
	bgMu     sync.Mutex     // guards bgClosed and bg.Add
	bgClosed bool
	now      func() time.Time
	pre      *precomputer  // nil when Options.Precompute is 0
	preStop  chan struct{} // closed by Close: the precompute loop ends
	inflight atomic.Int64  // photo queries being answered (the precompute loop waits for 0)

	closeMu sync.RWMutex // held for reading while enqueuing; Close takes it for writing
	closed  atomic.Bool
	queue   chan *write
	done    chan struct{}

	// Owned by logLoop (after Open).
	wal      *bolt.DB
	walGen   uint64
	oldWALs  []string // WAL files fully covered by the next snapshot
	walBytes int64    // log bytes in the current WAL file
	logBytes int64    // log bytes since the last snapshot
	applyCh  chan committed
	snapSize atomic.Int64 // bytes of the last snapshot, set by applyLoop
}

// write is one queued record and the reply channel of its writer.
type write struct {
	rec   []byte
	res   result
	err   error
	reply chan struct{}
}

var walBucket = []byte("wal")

// Open opens (or creates) the store in opts.Dir: it loads the newest snapshot, replays the log
// written after it, and starts the writer pipeline. One process may open a Dir at a time.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("embedded: Options.Dir is required")
	}
	if opts.Params == (graph.Params{}) {
		opts.Params = graph.DefaultParams()
	}
	if opts.Default == "" {
		opts.Default = graph.Flexplore
	}
	if _, ok := graph.LookupAlgorithm(opts.Default); !ok {
		return nil, fmt.Errorf("embedded: unknown default algorithm %q", opts.Default)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SnapshotBytes <= 0 {
		opts.SnapshotBytes = 64 << 20
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded: create %s: %w", opts.Dir, err)
	}
	s := &Store{
		dir:     opts.Dir,
		ranker:  rank.New(opts.Params),
		def:     opts.Default,
		log:     opts.Logger,
		snapMin: opts.SnapshotBytes,
		walFile: cmp.Or(opts.walFileBytes, walFileBytes),
		now:     opts.now,
		cache:   pageCache{off: opts.NoPageCache, size: cmp.Or(opts.PageCacheSize, DefaultPageCacheSize), stale: max(opts.PageStale, 0)},
		queue:   make(chan *write, 1024),
		applyCh: make(chan committed, 4),
		done:    make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	start := time.Now()
	if err := s.lock(); err != nil {
		return nil, err
	}
	if err := s.load(ctx); err != nil {
		s.closeFiles()
		return nil, err
	}
	s.log.Info("graph store opened", "dir", s.dir, "users", len(s.st.users), "photos", s.st.known,
		"faves", s.st.faves, "seq", s.st.seq, "duration_ms", time.Since(start).Milliseconds())
	go s.logLoop()
	go s.applyLoop()
	if opts.Precompute > 0 {
		s.pre, s.preStop = newPrecomputer(opts.Precompute), make(chan struct{})
		var registered []string
		for i := range s.st.users {
			if x := s.st.users[i].x; x != nil && x.registered {
				registered = append(registered, s.st.users[i].nsid)
			}
		}
		s.pre.add(registered...)
		s.bg.Add(1)
		go s.precomputeLoop(s.preStop)
	}
	return s, nil
}

// load reads the newest snapshot and replays every WAL file, then opens a fresh WAL file.
func (s *Store) load(ctx context.Context) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("embedded: read %s: %w", s.dir, err)
	}
	var snaps, wals []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "snapshot-") && strings.HasSuffix(name, ".bin"):
			snaps = append(snaps, name)
		case strings.HasPrefix(name, "wal-") && strings.HasSuffix(name, ".db"):
			wals = append(wals, name)
		case strings.HasSuffix(name, ".tmp"):
			_ = os.Remove(filepath.Join(s.dir, name)) // an unfinished snapshot
		}
	}
	sort.Strings(snaps) // fixed-width hex: lexical order is numeric order
	sort.Strings(wals)
	s.st = newState()
	if len(snaps) > 0 {
		newest := filepath.Join(s.dir, snaps[len(snaps)-1])
		st, err := readSnapshot(newest)
		if err != nil {
			return err
		}
		s.st = st
		if fi, err := os.Stat(newest); err == nil {
			s.snapSize.Store(fi.Size())
		}
		for _, old := range snaps[:len(snaps)-1] {
			_ = os.Remove(filepath.Join(s.dir, old))
		}
	}
	replayed := 0
	for _, name := range wals {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("embedded: open: %w", err)
		}
		n, err := s.replay(filepath.Join(s.dir, name))
		if err != nil {
			return err
		}
		replayed += n
		s.oldWALs = append(s.oldWALs, name)
		if g, ok := walGen(name); ok && g >= s.walGen {
			s.walGen = g
		}
	}
	if s.snapSize.Load() > 64<<20 || replayed > 0 {
		debug.FreeOSMemory() // return the transient load buffers to the OS
	}
	s.walGen++
	return s.openWAL()
}

func walName(gen uint64) string { return fmt.Sprintf("wal-%016x.db", gen) }

func walGen(name string) (uint64, bool) {
	var g uint64
	_, err := fmt.Sscanf(name, "wal-%016x.db", &g)
	return g, err == nil
}

// replay applies the records of one WAL file that the loaded state does not hold yet.
func (s *Store) replay(path string) (int, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		// A crash between creating a log file and bbolt initialising it leaves it empty: it
		// holds no record (a write is acknowledged only after its commit), and opening it
		// read-only would make bbolt try to initialise it.
		return 0, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("embedded: open log %s: %w", path, err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(walBucket)
		if b == nil {
			return nil
		}
		var from [8]byte
		binary.BigEndian.PutUint64(from[:], s.st.seq+1)
		c := b.Cursor()
		for k, v := c.Seek(from[:]); k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if seq != s.st.seq+1 {
				return fmt.Errorf("embedded: log %s: sequence gap at %d after %d: %w", path, seq, s.st.seq, errCorrupt)
			}
			if _, err := s.st.apply(v); err != nil {
				return fmt.Errorf("embedded: log %s: record %d: %w", path, seq, err)
			}
			s.st.seq = seq
			s.logBytes += int64(len(v))
			n++
		}
		return nil
	})
	return n, err
}

// openWAL creates the WAL file of the current generation.
func (s *Store) openWAL() error {
	db, err := bolt.Open(filepath.Join(s.dir, walName(s.walGen)), 0o600, &bolt.Options{
		Timeout:      time.Second,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		return fmt.Errorf("embedded: open log: %w", err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(walBucket)
		return err
	}); err != nil {
		db.Close()
		return fmt.Errorf("embedded: init log: %w", err)
	}
	s.wal = db
	return syncDir(s.dir)
}

func (s *Store) closeFiles() {
	if s.wal != nil {
		s.wal.Close()
		s.wal = nil
	}
	if s.lockFile != nil {
		s.lockFile.Close() // releases the flock
		s.lockFile = nil
	}
}

// lock takes an exclusive flock on Dir/LOCK so that one process at a time opens the store.
func (s *Store) lock() error {
	f, err := os.OpenFile(filepath.Join(s.dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("embedded: open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("embedded: %s is in use by another process: %w", s.dir, err)
	}
	s.lockFile = f
	return nil
}

// committed is a group of writes durable in the log, or a snapshot marker, on its way to the
// applier.
type committed struct {
	group []*write
	snap  *snapshotMarker
}

// snapshotMarker asks the applier for a snapshot once it has applied everything before it.
// covered are the WAL files (already closed) that the snapshot makes redundant.
type snapshotMarker struct {
	covered []string
	req     *write // a Snapshot call waiting for the result, or nil
}

// logLoop is the first stage of the writer pipeline and the only WAL writer: it takes every
// queued write, appends the group to the log in one transaction (one fsync), and hands the group
// to applyLoop; while one group is applied, the next is made durable. It rotates the WAL when
// the log has grown enough and asks applyLoop for the snapshot that makes the old files
// redundant.
func (s *Store) logLoop() {
	defer close(s.applyCh)
	var next *write // a write taken from the queue but not yet in a group
	nextSeq := s.st.seq + 1
	for {
		w := next
		next = nil
		if w == nil {
			var ok bool
			if w, ok = <-s.queue; !ok {
				return
			}
		}
		if w.rec == nil { // a Snapshot call
			s.rotate(w, true)
			continue
		}
		group := []*write{w}
		size := len(w.rec)
	drain:
		for len(group) < 512 && size < 8<<20 {
			select {
			case w, ok := <-s.queue:
				if !ok {
					break drain
				}
				if w.rec == nil {
					next = w
					break drain
				}
				group = append(group, w)
				size += len(w.rec)
			default:
				break drain
			}
		}
		if err := s.append(nextSeq, group); err != nil {
			for _, w := range group {
				w.err = err
				close(w.reply)
			}
			continue
		}
		nextSeq += uint64(len(group))
		s.walBytes += int64(size)
		s.logBytes += int64(size)
		s.applyCh <- committed{group: group}
		switch {
		case s.logBytes >= max(s.snapMin, s.snapSize.Load()):
			s.rotate(nil, true)
		case s.walBytes >= s.walFile:
			s.rotate(nil, false)
		}
	}
}

// append writes group to the log with sequence numbers from first on, durably.
func (s *Store) append(first uint64, group []*write) error {
	if s.wal == nil {
		return errors.New("embedded: log unavailable after a failed rotation")
	}
	err := s.wal.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(walBucket)
		b.FillPercent = 1 // keys only ever grow
		var k [8]byte
		for i, w := range group {
			binary.BigEndian.PutUint64(k[:], first+uint64(i))
			if err := b.Put(k[:], w.rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: append to log: %w", err)
	}
	return nil
}

// walFileBytes caps one WAL file: bbolt rewrites its last leaf on every commit, which pages the
// file's mmap in, so a closed (unmapped) file no longer counts in the process's RSS.
const walFileBytes = 32 << 20

// rotate closes the current WAL file and opens the next one. With snap, it asks applyLoop for a
// snapshot covering every closed file; req, if not nil, gets the snapshot's result.
func (s *Store) rotate(req *write, snap bool) {
	fail := func(err error) {
		if req != nil {
			req.err = err
			close(req.reply)
		} else {
			s.log.Error("graph log rotation failed", "err", err)
		}
	}
	if s.wal == nil {
		fail(errors.New("embedded: log unavailable after a failed rotation"))
		return
	}
	covered := walName(s.walGen)
	if err := s.wal.Close(); err != nil {
		s.wal = nil
		fail(fmt.Errorf("embedded: close log: %w", err))
		return
	}
	s.wal = nil
	s.oldWALs = append(s.oldWALs, covered)
	s.walGen++
	if err := s.openWAL(); err != nil {
		fail(err)
		return
	}
	s.walBytes = 0
	if !snap {
		return
	}
	s.logBytes = 0
	m := &snapshotMarker{covered: s.oldWALs, req: req}
	s.oldWALs = nil
	s.applyCh <- committed{snap: m}
}

// applyLoop is the second stage: it applies committed groups in log order, replies to their
// writers, and writes snapshots when asked.
func (s *Store) applyLoop() {
	defer close(s.done)
	for c := range s.applyCh {
		if c.snap != nil {
			err := s.snapshot(c.snap.covered)
			if err != nil && c.snap.req == nil {
				s.log.Error("graph snapshot failed", "err", err)
			}
			if c.snap.req != nil {
				c.snap.req.err = err
				close(c.snap.req.reply)
			}
			continue
		}
		s.mu.Lock()
		for _, w := range c.group {
			if changesPages(w.rec) {
				s.pageGen++
				s.st.gen = s.pageGen
			}
			w.res, w.err = s.st.apply(w.rec)
			s.st.seq++
		}
		s.mu.Unlock()
		for _, w := range c.group {
			close(w.reply)
		}
	}
}

// snapshot writes the state (everything up to the marker) to a snapshot file and deletes the
// WAL files it covers. Writers keep logging meanwhile; readers are not blocked: only applyLoop
// changes the state, and it is busy here.
func (s *Store) snapshot(covered []string) error {
	start := time.Now()
	size, err := writeSnapshot(s.dir, s.st)
	if err != nil {
		return err
	}
	for _, name := range covered {
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("graph log cleanup failed", "file", name, "err", err)
		}
	}
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "snapshot-") && n != snapshotName(s.st.seq) {
			_ = os.Remove(filepath.Join(s.dir, n))
		}
	}
	s.log.Info("graph snapshot written", "seq", s.st.seq, "bytes", size,
		"duration_ms", time.Since(start).Milliseconds())
	s.snapSize.Store(size)
	return nil
}

// Snapshot writes a snapshot now and drops the log it covers (compaction), waiting for queued
// writes first. Open does not need it; it bounds how much log the next Open replays.
func (s *Store) Snapshot(ctx context.Context) error {
	w := &write{rec: nil, reply: make(chan struct{})}
	return s.submit(ctx, w)
}

// submit queues w and waits until it is durable and applied. A nil rec asks for a snapshot.
func (s *Store) submit(ctx context.Context, w *write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.closeMu.RLock()
	if s.closed.Load() {
		s.closeMu.RUnlock()
		return ErrClosed
	}
	s.queue <- w
	s.closeMu.RUnlock()
	<-w.reply
	return w.err
}

// Close stops the writer pipeline after the queued writes and closes the files. Idempotent.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed.Swap(true) {
		s.closeMu.Unlock()
		return nil
	}
	close(s.queue)
	s.closeMu.Unlock()
	s.bgMu.Lock()
	s.bgClosed = true
	s.bgMu.Unlock()
	if s.preStop != nil {
		close(s.preStop)
	}
	s.bg.Wait()
	if s.pre != nil {
		s.pre.stopped()
	}
	<-s.done
	var err error
	if s.wal != nil {
		if cerr := s.wal.Close(); cerr != nil {
			err = fmt.Errorf("embedded: close log: %w", cerr)
		}
		s.wal = nil
	}
	s.closeFiles()
	return err
}

// Ping reports whether the store is open.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// Stats counts the nodes and edges held.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	if s.closed.Load() {
		return graph.Stats{}, ErrClosed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return graph.Stats{Users: len(s.st.users), Photos: s.st.known, Faves: s.st.faves, Follows: s.st.follows}, nil
}
