package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// Role is a set of jobs a worker process takes on.
type Role uint

// Roles. A process may combine them.
const (
	// RolePull serves the pull queues (Flickr calls). Run it in as many processes as you like.
	RolePull Role = 1 << iota
	// RoleIngest serves the ingest queue (graph writes, refresh:due). Run it only where the
	// graph is: the one process owning the embedded store, or any process on Neo4j.
	RoleIngest
	// RoleScheduler enqueues refresh:due once per ScheduleEvery, reaps failed tasks and stale
	// runs, and samples queue depth. Safe to run in several processes at once.
	RoleScheduler
)

// Options configures New. Zero values take the documented defaults.
type Options struct {
	// Redis is the queue's Redis (required). The caller closes it.
	Redis redis.UniversalClient
	// Roles defaults to RolePull|RoleIngest|RoleScheduler when Graph is set, else RolePull.
	Roles Role
	// Graph is required for RoleIngest and RoleScheduler.
	Graph Graph
	// Flickr is required for RolePull.
	Flickr Flickr
	// Pipeline is the shared tuning; it must match every other process's.
	Pipeline Pipeline
	// Concurrency is the pull tasks run at once; default 8. The shared rate limit, not this,
	// bounds Flickr calls.
	Concurrency int
	// IngestConcurrency is the ingest tasks run at once; default 2.
	IngestConcurrency int
	// TaskCheckInterval is how often an idle worker polls its queues (pickup latency);
	// default 100ms (Asynq's own default is 1 s).
	TaskCheckInterval time.Duration
	// RetryDelay is the wait before retry n (n >= 1) of a failed task; default 2^(n-1) s,
	// at most 2 min, with jitter.
	RetryDelay func(n int) time.Duration
	// RefreshEvery: registered users whose last pull is older than this are refreshed; default 6h.
	RefreshEvery time.Duration
	// ScheduleEvery is the scheduler period; default 1 min.
	ScheduleEvery time.Duration
	// ReapEvery is how often the scheduler reaps failed tasks and samples queues; default 15 s.
	ReapEvery time.Duration
	// ShutdownTimeout bounds the wait for running tasks on shutdown; default 8 s. Tasks still
	// running then go back to their queue.
	ShutdownTimeout time.Duration
	// Journal records the runs this worker's client starts until they end (ClientOptions.Journal);
	// the scheduler role resumes or ends every run it holds that Redis lost, on start. Pass the
	// same Journal as to the process's other Client; nil trusts Redis to persist.
	Journal runs.Journal
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Metrics defaults to unregistered metrics; pass the value given to flickr.Options.Metrics.
	Metrics *Metrics
	// Now defaults to time.Now.
	Now func() time.Time
}

// Worker runs the pipeline's Asynq servers and scheduler for its roles.
type Worker struct {
	opts   Options
	pipe   Pipeline
	roles  Role
	graph  Graph
	flickr Flickr
	client *Client
	q      *asynq.Client
	insp   *asynq.Inspector
	log    *slog.Logger
	m      *Metrics
	now    func() time.Time

	suspects  map[string]bool // run+job seen lost by the last reaper pass (scheduler goroutine only)
	recovered sync.Once       // the start-up recovery of runs (recoverRuns)
	born      time.Time       // when New made this Worker: start-up recovery looks at older runs only
}

// New returns a Worker; Run starts it. It fails when a role lacks what it needs.
func New(opts Options) (*Worker, error) {
	if opts.Redis == nil {
		return nil, errors.New("worker: Options.Redis is required")
	}
	if opts.Roles == 0 {
		opts.Roles = RolePull
		if opts.Graph != nil {
			opts.Roles |= RoleIngest | RoleScheduler
		}
	}
	if opts.Roles&(RoleIngest|RoleScheduler) != 0 && opts.Graph == nil {
		return nil, errors.New("worker: the ingest and scheduler roles need Options.Graph")
	}
	if opts.Roles&RolePull != 0 && opts.Flickr == nil {
		return nil, errors.New("worker: the pull role needs Options.Flickr")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.IngestConcurrency <= 0 {
		opts.IngestConcurrency = 2
	}
	if opts.TaskCheckInterval <= 0 {
		opts.TaskCheckInterval = 100 * time.Millisecond
	}
	if opts.RetryDelay == nil {
		opts.RetryDelay = defaultRetryDelay
	}
	if opts.RefreshEvery <= 0 {
		opts.RefreshEvery = 6 * time.Hour
	}
	if opts.ScheduleEvery <= 0 {
		opts.ScheduleEvery = time.Minute
	}
	if opts.ReapEvery <= 0 {
		opts.ReapEvery = 15 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 8 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics, _ = NewMetrics(nil)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var ps PullStates
	if opts.Graph != nil {
		ps = opts.Graph
	}
	c, err := NewClient(ClientOptions{Redis: opts.Redis, Graph: ps, Pipeline: opts.Pipeline, Journal: opts.Journal, Logger: opts.Logger, Metrics: opts.Metrics, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	return &Worker{
		opts: opts, pipe: c.pipe, roles: opts.Roles, graph: opts.Graph, flickr: opts.Flickr,
		client: c, q: c.q, insp: asynq.NewInspectorFromRedisClient(opts.Redis),
		log: opts.Logger, m: opts.Metrics, now: opts.Now, born: opts.Now(),
	}, nil
}

// Client returns the worker's Client (same Redis and tuning).
func (w *Worker) Client() *Client { return w.client }

// Run serves the worker's roles until ctx is done, then shuts down gracefully (running tasks
// get Options.ShutdownTimeout, then go back to their queue) and returns nil. It returns an
// error when a server cannot start.
func (w *Worker) Run(ctx context.Context) error {
	var servers []*asynq.Server
	defer func() {
		for i := len(servers) - 1; i >= 0; i-- {
			servers[i].Shutdown()
		}
	}()
	if w.roles&RoleIngest != 0 {
		mux := asynq.NewServeMux()
		mux.Use(w.instrument)
		mux.HandleFunc(task.TypeIngest, w.handleIngest)
		mux.HandleFunc(task.TypeRefreshDue, w.handleRefreshDue)
		mux.HandleFunc(task.TypeRank, w.handleRank)
		srv := w.server(w.opts.IngestConcurrency, map[string]int{task.QueueIngest: 1})
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("worker: start ingest server: %w", err)
		}
		servers = append(servers, srv)
	}
	if w.roles&RolePull != 0 {
		mux := asynq.NewServeMux()
		mux.Use(w.instrument)
		mux.HandleFunc(task.TypePullUser, w.handlePull)
		mux.HandleFunc(task.TypePullNeighbor, w.handlePull)
		mux.HandleFunc(task.TypePullPhotos, w.handlePull)
		srv := w.server(w.opts.Concurrency, map[string]int{task.QueueInteractive: 6, task.QueuePullFirst: 3, task.QueuePull: 1})
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("worker: start pull server: %w", err)
		}
		servers = append(servers, srv)
	}
	var wg sync.WaitGroup
	if w.roles&RoleScheduler != 0 {
		wg.Go(func() { w.schedule(ctx) })
	}
	w.log.InfoContext(ctx, "worker started", "pull", w.roles&RolePull != 0, "ingest", w.roles&RoleIngest != 0, "scheduler", w.roles&RoleScheduler != 0)
	<-ctx.Done()
	wg.Wait()
	w.log.Info("worker stopping")
	return nil
}

func (w *Worker) server(concurrency int, queues map[string]int) *asynq.Server {
	return asynq.NewServerFromRedisClient(w.opts.Redis, asynq.Config{
		Concurrency:              concurrency,
		Queues:                   queues,
		StrictPriority:           true,
		TaskCheckInterval:        w.opts.TaskCheckInterval,
		DelayedTaskCheckInterval: time.Second,
		RetryDelayFunc:           func(n int, _ error, _ *asynq.Task) time.Duration { return w.opts.RetryDelay(n + 1) },
		ErrorHandler:             asynq.ErrorHandlerFunc(w.handleError),
		Logger:                   asynqLogger{w.log},
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          w.opts.ShutdownTimeout,
	})
}

// handleError runs after every failed attempt. On the last one (retries exhausted, or a
// permanent error) the task's job counts as failed for every run waiting on it.
func (w *Worker) handleError(ctx context.Context, t *asynq.Task, err error) {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	id, _ := asynq.GetTaskID(ctx)
	final := errors.Is(err, asynq.SkipRetry) || retried >= maxRetry
	if !final {
		w.log.Warn("task failed, will retry", "task_id", id, "task_type", t.Type(), "retried", retried, "err", err)
		return
	}
	w.log.Error("task failed", "task_id", id, "task_type", t.Type(), "retried", retried, "err", err)
	p, ok := pullOf(t)
	if !ok {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.client.endJob(cctx, p.Job, p.PullID, runs.OutcomeFailed); err != nil {
		w.log.Error("count failed job", "job", p.Job, "err", err)
	}
}

// instrument records each attempt's duration and outcome.
func (w *Worker) instrument(h asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := h.ProcessTask(ctx, t)
		outcome := "ok"
		if err != nil {
			outcome = "retry"
			retried, _ := asynq.GetRetryCount(ctx)
			maxRetry, _ := asynq.GetMaxRetry(ctx)
			if errors.Is(err, asynq.SkipRetry) || retried >= maxRetry {
				outcome = "failed"
			}
		}
		w.m.task(t.Type(), outcome, time.Since(start))
		return err
	})
}

func defaultRetryDelay(n int) time.Duration {
	d := time.Second << min(max(n-1, 0), 7)
	d = min(d, 2*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// asynqLogger sends Asynq's own logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug("asynq", "msg", fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info("asynq", "msg", fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn("asynq", "msg", fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error("asynq", "msg", fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error("asynq fatal", "msg", fmt.Sprint(args...)) }
