package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// ClientOptions configures NewClient. Zero values take the documented defaults.
type ClientOptions struct {
	// Redis is the queue's Redis (required). The caller closes it.
	Redis redis.UniversalClient
	// Graph plans pulls (incremental from PullState.NewestFaveAt, full every FullEvery). Nil makes
	// every pull of a user full.
	Graph PullStates
	// Pipeline is the shared tuning; it must match the workers'.
	Pipeline Pipeline
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Journal, when set, records every run this client starts until it ends, so that a worker's
	// recovery can resume or end it after Redis lost it (the demo's in-process queue, a Redis
	// restarted without its data). Nil trusts Redis to persist.
	Journal runs.Journal
	// Metrics, when set, records run durations of runs this client ends.
	Metrics *Metrics
	// Now defaults to time.Now.
	Now func() time.Time
}

// Client starts refresh runs and reads their progress. It is what the API server uses; the
// worker uses one too. Safe for concurrent use.
type Client struct {
	st    *runs.Store
	q     *asynq.Client
	insp  *asynq.Inspector
	graph PullStates
	pipe  Pipeline
	log   *slog.Logger
	m     *Metrics
	now   func() time.Time
}

// NewClient returns a Client. It fails when Redis is nil.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.Redis == nil {
		return nil, errors.New("worker: ClientOptions.Redis is required")
	}
	pipe := opts.Pipeline.withDefaults()
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics == nil {
		opts.Metrics, _ = NewMetrics(nil)
	}
	return &Client{
		st:    runs.NewStore(opts.Redis, runs.StoreOptions{Prefix: pipe.KeyPrefix, TTL: pipe.RunTTL, Journal: opts.Journal}),
		q:     asynq.NewClientFromRedisClient(opts.Redis),
		insp:  asynq.NewInspectorFromRedisClient(opts.Redis),
		graph: opts.Graph,
		pipe:  pipe,
		log:   opts.Logger,
		m:     opts.Metrics,
		now:   opts.Now,
	}, nil
}

// Refresh starts a refresh run of nsid, or joins the one running (or the one that ended less
// than Pipeline.RefreshCooldown ago), and returns its progress. The run pulls nsid's favorites
// and contacts at once (interactive lane for login, view and fave), then its fan-out by expected
// value: the favorites of the neighbors and contacts, the photostreams of the owners nsid faves
// most and of the contacts (Pipeline's caps; docs/pipeline.md). It does not register nsid with the
// scheduler (graph.Store.Register does).
func (c *Client) Refresh(ctx context.Context, nsid string, reason runs.Reason) (runs.Progress, error) {
	if nsid == "" {
		return runs.Progress{}, errors.New("worker: refresh: empty nsid")
	}
	run, created, err := c.st.Start(ctx, nsid, newID(), string(reason), c.now(), c.pipe.RefreshCooldown)
	if err != nil {
		return runs.Progress{}, err
	}
	if created {
		c.log.InfoContext(ctx, "refresh started", "user_nsid", nsid, "run_id", run, "reason", string(reason))
	}
	// A joined run may lack the user's own pull (a run started by FaveAdded): add it. A run
	// that has it already, or has ended (cooldown), is left as is.
	if err := c.startUserPull(ctx, run, nsid, reason); err != nil && !errors.Is(err, runs.ErrRunEnded) {
		return runs.Progress{}, err
	}
	return c.st.RunProgress(ctx, run)
}

// Progress returns the state of nsid's latest run; State is runs.StateNone when there is none.
func (c *Client) Progress(ctx context.Context, nsid string) (runs.Progress, error) {
	return c.st.Progress(ctx, nsid)
}

// FaveAdded pulls the owner of a photo user just faved, on the interactive lane, unless the
// owner was pulled within Pipeline.NeighborFresh. The pull counts in user's running run, or in a
// new run. The caller has already written the fave to the graph. Faving one's own photo is a no-op.
func (c *Client) FaveAdded(ctx context.Context, user string, photo graph.Photo) error {
	owner := photo.Owner
	if user == "" || owner == "" || owner == user {
		return nil
	}
	for range 3 {
		run, _, err := c.st.Start(ctx, user, newID(), string(runs.ReasonFave), c.now(), 0)
		if err != nil {
			return err
		}
		err = c.startNeighborPull(ctx, run, owner, task.QueueInteractive, task.LaneInteractive)
		if !errors.Is(err, runs.ErrRunEnded) {
			return err
		}
	}
	return fmt.Errorf("worker: fave of %s by %s: %w", photo.ID, user, runs.ErrRunEnded)
}

func (c *Client) startUserPull(ctx context.Context, run, nsid string, reason runs.Reason) error {
	p, err := c.plan(ctx, nsid, 0)
	if err != nil {
		return err
	}
	p.Job, p.Run, p.WithContacts, p.FanOut = runs.UserJob(nsid), run, true, true
	queue, lane := task.QueuePullFirst, task.LaneBackground
	switch {
	case reason == runs.ReasonView:
		// Someone browses a member who is not theirs: quick, but within the visitors' share of
		// the Flickr budget, so browsing cannot starve members' own actions.
		queue, lane = task.QueueInteractive, task.LaneAnonymous
	case reason.Interactive():
		queue, lane = task.QueueInteractive, task.LaneInteractive
	}
	p.Lane = lane
	return c.startJob(ctx, run, p, queue, false)
}

func (c *Client) startNeighborPull(ctx context.Context, run, nsid, queue, lane string) error {
	p, err := c.plan(ctx, nsid, c.pipe.NeighborCap)
	if err != nil {
		return err
	}
	p.Job, p.Run, p.Lane = runs.NeighborJob(nsid), run, lane
	return c.startJob(ctx, run, p, queue, true)
}

// startPhotosPull counts the photostream pull of nsid in run and starts it (see startJob): one
// call for the newest Pipeline.PhotosPerPerson public photos, done at once when fresh.
func (c *Client) startPhotosPull(ctx context.Context, run, nsid, queue, lane string) error {
	p := task.Pull{Job: runs.PhotosJob(nsid), Run: run, User: nsid, PullID: newID(), MaxPhotos: c.pipe.PhotosPerPerson, Lane: lane}
	return c.startJob(ctx, run, p, queue, true)
}

// plan picks a full or an incremental pull of nsid from its pull state.
func (c *Client) plan(ctx context.Context, nsid string, maxFaves int) (task.Pull, error) {
	p := task.Pull{User: nsid, PullID: newID(), Kind: task.KindFull, MaxFaves: maxFaves}
	if c.graph == nil {
		return p, nil
	}
	ps, err := c.graph.PullState(ctx, nsid)
	if err != nil && !errors.Is(err, graph.ErrNotFound) {
		return p, fmt.Errorf("worker: pull state of %s: %w", nsid, err)
	}
	if !ps.LastFullPullAt.IsZero() && c.now().Sub(ps.LastFullPullAt) < c.pipe.FullEvery && !ps.NewestFaveAt.IsZero() {
		p.Kind = task.KindIncremental
		p.MinFaveDate = ps.NewestFaveAt.Unix()
	}
	return p, nil
}

// startJob counts p.Job in run and makes sure a pull task for it exists: it enqueues one with
// the job's deterministic task id, or joins the one in flight. With freshOK, a job whose data is
// fresh finishes at once. It is idempotent: calling it again for a job already made does nothing,
// unless an earlier start was cut short (Redis failed between counting and enqueueing; the job
// is unfinished and nobody holds its lock), which it completes. On error the job may stay made
// and unstarted: the caller's retry, or the scheduler's reaper, starts it.
func (c *Client) startJob(ctx context.Context, run string, p task.Pull, queue string, freshOK bool) error {
	added, err := c.st.AddJob(ctx, run, p.Job)
	if err != nil {
		return err
	}
	if !added {
		if queue == task.QueueInteractive {
			c.promote(ctx, p.Job, p.Lane)
		}
		lost, err := c.st.Lost(ctx, run, p.Job)
		if err != nil || !lost {
			return err
		}
	}
	if freshOK {
		fresh, err := c.st.IsFresh(ctx, p.Job)
		if err != nil {
			return err
		}
		if fresh {
			return c.finish(ctx, run, p.Job, runs.OutcomeDone)
		}
	}
	if err := c.st.Wait(ctx, run, p.Job); err != nil {
		return err
	}
	// Asynq task ids are unique per queue only; the job lock makes them unique across queues
	// and stays until the pull's ingest has landed (endJob), so nobody pulls it twice meanwhile.
	locked, err := c.st.Lock(ctx, p.Job, p.PullID, c.pipe.MaxRunAge)
	if err != nil {
		return err
	}
	if !locked {
		// Joined the pull queued, running, or waiting for its ingest. It may have landed
		// just before we registered.
		c.log.DebugContext(ctx, "pull joined", "run_id", run, "job", p.Job)
		if queue == task.QueueInteractive {
			c.promote(ctx, p.Job, p.Lane)
		}
		if freshOK {
			if fresh, ferr := c.st.IsFresh(ctx, p.Job); ferr == nil && fresh {
				return c.finish(ctx, run, p.Job, runs.OutcomeDone)
			}
		}
		return nil
	}
	err = c.enqueuePull(ctx, p, queue)
	c.log.DebugContext(ctx, "pull enqueued", "run_id", run, "job", p.Job, "pull_id", p.PullID, "queue", queue, "err", err)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		_ = c.st.Unlock(ctx, p.Job)
		return fmt.Errorf("worker: enqueue %s: %w", p.Job, err)
	}
	return nil
}

// promote moves job's pull, when it is still pending on a background queue, to the
// interactive queue and lane (task.LaneInteractive, or task.LaneAnonymous for a visitor): a
// person now waits for it (a fave of a neighbor's photo while the neighbors are still being
// pulled). A pull picked up meanwhile is left alone.
func (c *Client) promote(ctx context.Context, job, lane string) {
	id := task.PullTaskID(job)
	for _, q := range []string{task.QueuePullFirst, task.QueuePull} {
		ti, err := c.insp.GetTaskInfo(q, id)
		if err != nil || ti.State != asynq.TaskStatePending {
			continue
		}
		p, err := task.ParsePull(asynq.NewTask(ti.Type, ti.Payload))
		if err != nil {
			return
		}
		if err := c.insp.DeleteTask(q, id); err != nil {
			return // a worker took it meanwhile
		}
		p.Lane = lane
		if err := c.enqueuePull(ctx, p, task.QueueInteractive); err != nil {
			// Put it back where it was; the job lock is still held, so it must exist somewhere.
			p.Lane = task.LaneBackground
			if err2 := c.enqueuePull(ctx, p, q); err2 != nil {
				c.log.ErrorContext(ctx, "pull lost while promoting", "job", job, "err", errors.Join(err, err2))
				_ = c.endJob(ctx, job, p.PullID, runs.OutcomeFailed)
			}
			return
		}
		c.log.DebugContext(ctx, "pull promoted", "job", job, "from", q)
		return
	}
}

func (c *Client) enqueuePull(ctx context.Context, p task.Pull, queue string) error {
	t, err := task.NewPull(p)
	if err != nil {
		return err
	}
	_, err = c.q.EnqueueContext(ctx, t, asynq.TaskID(task.PullTaskID(p.Job)), asynq.Queue(queue),
		asynq.MaxRetry(c.pipe.MaxRetry), asynq.Timeout(c.pipe.PullTimeout))
	return err
}

// finish records the outcome of job in run and observes the run's end.
func (c *Client) finish(ctx context.Context, run, job, outcome string) error {
	ended, err := c.st.FinishJob(ctx, run, job, outcome, c.now())
	if err != nil || !ended {
		return err
	}
	p, err := c.st.RunProgress(ctx, run)
	if err != nil {
		return err
	}
	d := p.FinishedAt.Sub(p.StartedAt)
	c.m.refreshDone(p.State, d)
	c.log.InfoContext(ctx, "refresh ended", "user_nsid", p.User, "run_id", run, "state", p.State,
		"made", p.Made, "done", p.Done, "failed", p.Failed, "duration_ms", d.Milliseconds())
	if err := c.enqueueRank(ctx, p.User, run); err != nil {
		c.log.WarnContext(ctx, "ranking not queued", "user_nsid", p.User, "run_id", run, "err", err)
	}
	return nil
}

// rankTimeout bounds one graph:rank task: loading a member's neighbourhood and ranking it.
const rankTimeout = 10 * time.Minute

// enqueueRank queues graph:rank for user once per run (the run's id is the task's).
func (c *Client) enqueueRank(ctx context.Context, user, run string) error {
	t, err := task.NewRank(task.Rank{User: user, Run: run})
	if err != nil {
		return err
	}
	_, err = c.q.EnqueueContext(ctx, t, asynq.TaskID("rank:"+run), asynq.Queue(task.QueueIngest),
		asynq.MaxRetry(c.pipe.MaxRetry), asynq.Timeout(rankTimeout))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// endJob ends the pull pullID of job: unless another pull of the job holds the job lock now (its
// own end will count the waiters), it releases the lock (marking the job fresh when done, see
// freshens) and records outcome for every run waiting on the job.
func (c *Client) endJob(ctx context.Context, job, pullID, outcome string) error {
	var fresh time.Duration
	if outcome == runs.OutcomeDone && runs.Freshens(job) {
		fresh = c.pipe.NeighborFresh
	}
	released, err := c.st.Release(ctx, job, pullID, fresh)
	if err != nil || !released {
		return err
	}
	waiting, err := c.st.Waiters(ctx, job)
	if err != nil {
		return err
	}
	var errs []error
	for _, run := range waiting {
		if err := c.finish(ctx, run, job, outcome); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := c.st.Unwait(ctx, run, job); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// newID returns a random 16-hex-digit id.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
