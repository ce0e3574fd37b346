package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/embedredis"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/server"
	"github.com/photorec/photorec/worker"
)

// shutdownTimeout bounds the whole ordered shutdown of a process.
const shutdownTimeout = 15 * time.Second

// stack runs cleanup functions in reverse order of registration: the shutdown block.
type stack struct {
	log *slog.Logger
	fns []func(ctx context.Context) error
	nms []string
}

func (s *stack) push(name string, fn func(ctx context.Context) error) {
	s.nms = append(s.nms, name)
	s.fns = append(s.fns, fn)
}

// close stops everything, newest first, within shutdownTimeout.
func (s *stack) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for i := len(s.fns) - 1; i >= 0; i-- {
		if err := s.fns[i](ctx); err != nil {
			s.log.Error("shutdown", "part", s.nms[i], "err", err)
		}
	}
}

// queueRedis connects to redis.url, or starts the in-process queue when it is empty.
func queueRedis(ctx context.Context, cfg config.Config, st *stack) (redis.UniversalClient, error) {
	var opt *redis.Options
	if cfg.Redis.URL == "" {
		emb, err := embedredis.Start(ctx)
		if err != nil {
			return nil, err
		}
		st.push("embedded redis", func(context.Context) error { emb.Close(); return nil })
		opt = &redis.Options{Addr: emb.Addr}
	} else {
		o, err := redis.ParseURL(cfg.Redis.URL)
		if err != nil {
			return nil, fmt.Errorf("redis.url: %w", err)
		}
		opt = o
	}
	rdb := redis.NewClient(opt)
	st.push("redis client", func(context.Context) error { return rdb.Close() })
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis at %s: %w", opt.Addr, err)
	}
	return rdb, nil
}

// flickrOptions maps config onto the Flickr client; the demo overrides the endpoints.
func flickrOptions(cfg config.Config, rdb redis.UniversalClient, m *worker.Metrics, log *slog.Logger) flickr.Options {
	return flickr.Options{
		APIKey:    cfg.Flickr.APIKey,
		APISecret: cfg.Flickr.APISecret,
		APIBase:   cfg.Flickr.APIBase,
		OAuthBase: cfg.Flickr.OAuthBase,
		Limiter: flickr.NewRedisLimiter(rdb, flickr.LimitOptions{
			CallsPerHour:     cfg.Flickr.CallsPerHour,
			Burst:            cfg.Flickr.Burst,
			AnonymousPerHour: anonymousPerHour(cfg),
		}),
		Logger:  log,
		Metrics: m,
	}
}

// runJournalPath is the journal of unfinished refresh runs (runs.FileJournal) kept by the
// process that owns the embedded graph.
func runJournalPath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "runs.db") }

// anonymousPerHour is the share of the Flickr budget for visitors who are not logged in: the
// limiter's anonymous lane and the server's per-client limits both derive from it.
func anonymousPerHour(cfg config.Config) int { return max(1, cfg.Flickr.CallsPerHour/5) }

func pipeline(cfg config.Config) worker.Pipeline {
	return worker.Pipeline{
		NeighborCap:     cfg.Pull.NeighborCap,
		MaxNeighbors:    cfg.Pull.MaxNeighbors,
		OwnerPhotos:     pullCap(cfg.Pull.OwnerPhotos),
		ContactFaves:    pullCap(cfg.Pull.ContactFaves),
		ContactPhotos:   pullCap(cfg.Pull.ContactPhotos),
		PhotosPerPerson: cfg.Pull.PhotosPerPerson,
		NeighborFresh:   cfg.Pull.NeighborFreshFor,
		FullEvery:       cfg.Pull.FullEvery,
	}
}

// pullCap maps a config cap, where 0 pulls none, onto worker.Pipeline's, where 0 is the default
// and a negative value pulls none.
func pullCap(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// node is what one process runs: some of graph, queue, workers and the web server.
type node struct {
	cfg     config.Config
	log     *slog.Logger
	st      stack
	rdb     redis.UniversalClient
	reg     *prometheus.Registry
	metrics *worker.Metrics
	store   graph.Store
	// journal records unfinished refresh runs in data_dir when this process owns the embedded
	// graph; nil otherwise (Redis must then persist).
	journal  runs.Journal
	flickr   *flickr.Client
	workers  *worker.Worker
	client   *worker.Client
	runErr   chan error
	imageSrc []string
	// photoPageBase is server.Options.PhotoPageBase; "" keeps the server's default (Flickr's).
	photoPageBase string
}

func newNode(cfg config.Config, log *slog.Logger) (*node, error) {
	n := &node{cfg: cfg, log: log, st: stack{log: log}, reg: newRegistry(), runErr: make(chan error, 4)}
	m, err := worker.NewMetrics(n.reg)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	n.metrics = m
	return n, nil
}

func (n *node) openGraph(ctx context.Context) error {
	s, err := openStore(ctx, n.cfg, n.log)
	if err != nil {
		return err
	}
	n.store = s
	n.st.push("graph", func(context.Context) error { return s.Close() })
	if n.cfg.Graph.Backend == config.BackendEmbedded {
		j, err := runs.OpenFileJournal(runJournalPath(n.cfg))
		if err != nil {
			return err
		}
		n.journal = j
		n.st.push("run journal", func(context.Context) error { return j.Close() })
	}
	return nil
}

func (n *node) openFlickr(o flickr.Options) error {
	c, err := flickr.New(o)
	if err != nil {
		return err
	}
	n.flickr = c
	return nil
}

// startWorkers runs the given roles in this process until shutdown.
func (n *node) startWorkers(ctx context.Context, roles worker.Role) error {
	o := worker.Options{
		Redis:       n.rdb,
		Roles:       roles,
		Pipeline:    pipeline(n.cfg),
		Journal:     n.journal,
		Concurrency: n.cfg.Worker.Concurrency,
		Logger:      n.log,
		Metrics:     n.metrics,
	}
	if roles&worker.RolePull != 0 {
		o.Flickr = n.flickr
	}
	if roles&(worker.RoleIngest|worker.RoleScheduler) != 0 {
		o.Graph = n.store
		o.RefreshEvery = n.cfg.Pull.RefreshEvery
	}
	w, err := worker.New(o)
	if err != nil {
		return err
	}
	n.workers = w
	// Unfinished runs are resumed or ended before anyone asks for them.
	w.Recover(ctx)
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(wctx); err != nil {
			n.runErr <- err
		}
	}()
	n.st.push("workers", func(sctx context.Context) error {
		cancel()
		select {
		case <-done:
			return nil
		case <-sctx.Done():
			return errors.New("workers did not stop in time")
		}
	})
	return nil
}

func (n *node) newClient() error {
	c, err := worker.NewClient(worker.ClientOptions{
		Redis:    n.rdb,
		Graph:    n.store,
		Pipeline: pipeline(n.cfg),
		Journal:  n.journal,
		Logger:   n.log,
		Metrics:  n.metrics,
	})
	if err != nil {
		return err
	}
	n.client = c
	return nil
}

// serveHTTP builds the web server and serves it on listen_addr; it returns the public URL.
func (n *node) serveHTTP() (string, error) {
	sessionKey, err := config.DecodeKey(n.cfg.Security.SessionKey)
	if err != nil {
		return "", fmt.Errorf("security.session_key: %w", err)
	}
	tokenKey, err := config.DecodeKey(n.cfg.Security.TokenKey)
	if err != nil {
		return "", fmt.Errorf("security.token_key: %w", err)
	}
	ln, err := net.Listen("tcp", n.cfg.ListenAddr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", n.cfg.ListenAddr, err)
	}
	public := n.cfg.BaseURL
	if public == "" {
		public = "http://" + ln.Addr().String()
	}
	rdb := n.rdb
	srv, err := server.New(server.Options{
		Graph:         n.store,
		Flickr:        n.flickr,
		Pipeline:      n.client,
		Logger:        n.log,
		Registry:      n.reg,
		Redis:         rdb,
		BaseURL:       public,
		SessionKey:    sessionKey,
		TokenKey:      tokenKey,
		Secure:        strings.HasPrefix(public, "https://"),
		Algorithm:     graph.Algorithm(n.cfg.Recommend.Algorithm),
		ViewFresh:     n.cfg.Pull.NeighborFreshFor,
		PageJSONBytes: pageJSONBytes(n.cfg.Recommend.CacheJSONMiB),
		ProxyHeader:   n.cfg.ProxyHeader,
		FlickrLimit: server.FlickrLimit{
			CallsPerHour:     n.cfg.Flickr.CallsPerHour,
			AnonymousPerHour: anonymousPerHour(n.cfg),
		},
		ImageSources:  n.imageSrc,
		PhotoPageBase: n.photoPageBase,
		AdminPassword: n.cfg.Admin.Password,
		QueueRedis:    rdb,
		Ready: []server.Check{
			{Name: "graph", Func: n.store.Ping},
			{Name: "redis", Func: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
		},
	})
	if err != nil {
		_ = ln.Close()
		return "", err
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			n.runErr <- fmt.Errorf("http: %w", err)
		}
	}()
	n.st.push("http server", srv.Shutdown)
	return public, nil
}

// serveMetrics serves /metrics (the node's registry) and /healthz on addr, for worker processes
// that have no web server; it returns the address it listens on.
func (n *node) serveMetrics(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("worker.metrics_addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(n.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.runErr <- fmt.Errorf("metrics: %w", err)
		}
	}()
	n.st.push("metrics server", hs.Shutdown)
	return ln.Addr().String(), nil
}

// run calls start, which starts the node's parts; if it fails, run stops what did start and
// returns its error, else it waits for the end (see wait).
func (n *node) run(ctx context.Context, start func() error) error {
	if err := start(); err != nil {
		n.st.close()
		return err
	}
	return n.wait(ctx)
}

// wait blocks until ctx ends or a part fails, then shuts everything down in reverse order.
func (n *node) wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-n.runErr:
		n.log.Error("stopping after a failure", "err", err)
	}
	n.log.Info("shutting down")
	n.st.close()
	return err
}

// pageJSONBytes is server.Options.PageJSONBytes for recommend.cache_json_mib (0 keeps none).
func pageJSONBytes(mib int) int64 {
	if mib <= 0 {
		return -1
	}
	return int64(mib) << 20
}
