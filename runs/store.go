package runs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Run states of Progress.State: the one list.
const (
	StateNone               = "none"
	StateRunning            = "running"
	StateComplete           = "complete"
	StateCompleteWithErrors = "complete_with_errors"
)

// Reason says why a refresh run started (logged, and it picks the queue and rate-limit lane).
type Reason string

// Reasons: the one list. Login, view and fave are interactive: a person is waiting.
const (
	ReasonLogin    Reason = "login"    // the member just logged in
	ReasonView     Reason = "view"     // someone browsed a member never pulled, or not lately
	ReasonFave     Reason = "fave"     // the member faved a photo: its owner is pulled
	ReasonSchedule Reason = "schedule" // the scheduler: the member's data is due
	ReasonManual   Reason = "manual"   // the member pressed refresh
)

// Interactive reports whether a person waits on a run started for r.
func (r Reason) Interactive() bool { return r == ReasonLogin || r == ReasonView || r == ReasonFave }

// Progress is the state of a user's latest refresh run. Made counts the pulls the run asked for
// (the user's own pull plus one per fan-out pull whose data is not fresh: a neighbor's or a
// contact's favorites, a photostream); Done and Failed count those finished, each pull once
// however often Asynq delivers it. A run ends when Done+Failed == Made.
type Progress struct {
	RunID      string    `json:"run_id,omitempty"`
	User       string    `json:"user"`
	State      string    `json:"state"` // StateNone, StateRunning, StateComplete or StateCompleteWithErrors
	Made       int       `json:"made"`
	Done       int       `json:"done"`
	Failed     int       `json:"failed"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Changed bumps whenever a pull for one of this user's runs lands in the graph: the
	// recommendations may have changed. It only grows.
	Changed int64 `json:"changed"`
}

// ErrRunEnded: a job was added to a run that has already ended.
var ErrRunEnded = errors.New("runs: run has ended")

// ErrUnknownRun: Redis holds no such run (it expired, or Redis lost it).
var ErrUnknownRun = errors.New("runs: unknown run")

// Job outcomes.
const (
	OutcomeDone   = "done"
	OutcomeFailed = "failed"
)

// Store keeps runs and jobs in Redis. Keys (prefix p):
//
//	p run:<id>              hash: user, reason, state, started_at, finished_at (unix ms)
//	p run:<id>:{made,done,failed}  sets of job ids
//	p user:<nsid>:run       the user's latest run id
//	p user:<nsid>:changed   counter bumped when a job of the user's run lands
//	p job:<job>:waiters     runs waiting for the job's pull
//	p job:<job>:fresh       present while the job's data is fresh (favorites and photostreams of others)
//	p job:<job>:lock        pull id of the job's pull in flight (queued until ingested)
//	p runs:running          ids of running runs (for the reaper and for Recover)
//
// Some scripts build keys from the prefix, so a Store needs a single Redis node (not Redis
// Cluster). Safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	p       string
	ttl     time.Duration
	journal Journal
}

// StoreOptions configures NewStore.
type StoreOptions struct {
	// Prefix starts every key, e.g. "photorec:".
	Prefix string
	// TTL is how long a run stays readable after its last change (required, > 0).
	TTL time.Duration
	// Journal, when set, also records each run that starts (Start) and forgets it when it ends
	// (FinishJob, Restore): the record that outlives a Redis that loses its data.
	Journal Journal
}

// NewStore returns a Store on rdb.
func NewStore(rdb redis.UniversalClient, o StoreOptions) *Store {
	return &Store{rdb: rdb, p: o.Prefix, ttl: o.TTL, journal: o.Journal}
}

// Journaled lists the runs the journal holds (none without a journal).
func (s *Store) Journaled(ctx context.Context) ([]Run, error) {
	if s.journal == nil {
		return nil, nil
	}
	return s.journal.Unfinished(ctx)
}

// Forget drops run id from the journal (it ended, or another run of its user replaced it).
func (s *Store) Forget(ctx context.Context, id string) error {
	if s.journal == nil {
		return nil
	}
	return s.journal.Ended(ctx, id)
}

func (s *Store) runKey(id string) string        { return s.p + "run:" + id }
func (s *Store) setKey(id, which string) string { return s.p + "run:" + id + ":" + which }
func (s *Store) userRunKey(nsid string) string  { return s.p + "user:" + nsid + ":run" }
func (s *Store) changedKey(nsid string) string  { return s.p + "user:" + nsid + ":changed" }
func (s *Store) waitersKey(job string) string   { return s.p + "job:" + job + ":waiters" }
func (s *Store) freshKey(job string) string     { return s.p + "job:" + job + ":fresh" }
func (s *Store) lockKey(job string) string      { return s.p + "job:" + job + ":lock" }
func (s *Store) runningKey() string             { return s.p + "runs:running" }
func (s *Store) ttlSeconds() int64              { return int64(s.ttl / time.Second) }

func unixMS(t time.Time) int64 { return t.UnixMilli() }

// fromMS parses unix milliseconds; "" or 0 is the zero time.
func fromMS(v string) time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// startRunScript returns {id, created}: the running run of the user, or its last run when that
// ended less than the cooldown ago, else a new run.
//
// KEYS[1]: p user:<nsid>:run
// ARGV[1]: the key prefix p (the run's keys are built from it)
// ARGV[2]: the new run's id      ARGV[3]: now, unix ms
// ARGV[4]: cooldown ms (0: join only a running run)
// ARGV[5]: the user's nsid       ARGV[6]: the reason      ARGV[7]: key TTL, seconds
var startRunScript = redis.NewScript(`
local p = ARGV[1]
local cur = redis.call('GET', KEYS[1])
if cur then
  local st = redis.call('HMGET', p .. 'run:' .. cur, 'state', 'finished_at')
  if st[1] == 'running' then return {cur, 0} end
  local cool = tonumber(ARGV[4])
  if st[1] and st[2] and cool > 0 and tonumber(ARGV[3]) - tonumber(st[2]) < cool then return {cur, 0} end
end
local h = p .. 'run:' .. ARGV[2]
redis.call('HSET', h, 'user', ARGV[5], 'reason', ARGV[6], 'state', 'running', 'started_at', ARGV[3])
redis.call('EXPIRE', h, ARGV[7])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[7])
redis.call('SADD', p .. 'runs:running', ARGV[2])
return {ARGV[2], 1}
`)

// Start returns the run a refresh of nsid should join (created reports a new one).
// cooldown 0 joins only a running run. A new run is also recorded in the journal, if any; when
// that fails, the error is returned and the run stays in Redis without jobs until a later
// refresh of the user joins it and starts its pull.
func (s *Store) Start(ctx context.Context, nsid, newID, reason string, now time.Time, cooldown time.Duration) (id string, created bool, err error) {
	res, err := startRunScript.Run(ctx, s.rdb, []string{s.userRunKey(nsid)},
		s.p, newID, unixMS(now), cooldown.Milliseconds(), nsid, reason, s.ttlSeconds()).Slice()
	if err != nil {
		return "", false, fmt.Errorf("runs: start run of %s: %w", nsid, err)
	}
	id, _ = res[0].(string)
	n, _ := res[1].(int64)
	if n == 1 && s.journal != nil {
		if err := s.journal.Started(ctx, Run{ID: id, User: nsid, Reason: Reason(reason), StartedAt: time.UnixMilli(unixMS(now)).UTC()}); err != nil {
			return "", false, err
		}
	}
	return id, n == 1, nil
}

// addJobScript: -1 when the run is not running, else SADD's reply (1 new, 0 already made).
//
// KEYS[1]: p run:<id> (the run's hash)    KEYS[2]: p run:<id>:made
// ARGV[1]: the job id                     ARGV[2]: key TTL, seconds
var addJobScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return -1 end
local n = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return n
`)

// AddJob counts job as made by run; added is false when it already was.
func (s *Store) AddJob(ctx context.Context, run, job string) (added bool, err error) {
	n, err := addJobScript.Run(ctx, s.rdb, []string{s.runKey(run), s.setKey(run, "made")}, job, s.ttlSeconds()).Int()
	if err != nil {
		return false, fmt.Errorf("runs: add job %s to run %s: %w", job, run, err)
	}
	if n < 0 {
		return false, ErrRunEnded
	}
	return n == 1, nil
}

// finishJobScript records the outcome of one job of one run, once; ends the run when every made
// job is finished. Returns 0 (nothing to do), 1 (recorded) or 2 (recorded and the run ended).
//
// KEYS[1]: p run:<id> (the run's hash; its sets and the user's changed counter are built from
// ARGV[1] and ARGV[2])
// ARGV[1]: the key prefix p     ARGV[2]: the run id     ARGV[3]: the job id
// ARGV[4]: the outcome, "done" or "failed"              ARGV[5]: now, unix ms
// ARGV[6]: key TTL, seconds
var finishJobScript = redis.NewScript(`
local p, run, job, outcome = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local h = p .. 'run:' .. run
local made, done, failed = h .. ':made', h .. ':done', h .. ':failed'
if redis.call('SISMEMBER', made, job) == 0 then return 0 end
if redis.call('SISMEMBER', done, job) == 1 or redis.call('SISMEMBER', failed, job) == 1 then return 0 end
local dst = done
if outcome == 'failed' then dst = failed end
redis.call('SADD', dst, job)
redis.call('EXPIRE', dst, ARGV[6])
local user = redis.call('HGET', h, 'user')
if outcome == 'done' and user then
  redis.call('INCR', p .. 'user:' .. user .. ':changed')
end
if redis.call('HGET', h, 'state') ~= 'running' then return 1 end
local nm, nd, nf = redis.call('SCARD', made), redis.call('SCARD', done), redis.call('SCARD', failed)
if nd + nf < nm then return 1 end
local st = 'complete'
if nf > 0 then st = 'complete_with_errors' end
redis.call('HSET', h, 'state', st, 'finished_at', ARGV[5])
redis.call('SREM', p .. 'runs:running', run)
return 2
`)

// FinishJob records outcome for job in run. ended reports that this call ended the run; the run
// then leaves the journal, if any.
func (s *Store) FinishJob(ctx context.Context, run, job, outcome string, now time.Time) (ended bool, err error) {
	n, err := finishJobScript.Run(ctx, s.rdb, []string{s.runKey(run)}, s.p, run, job, outcome, unixMS(now), s.ttlSeconds()).Int()
	if err != nil {
		return false, fmt.Errorf("runs: finish job %s of run %s: %w", job, run, err)
	}
	if n == 2 {
		if err := s.Forget(ctx, run); err != nil {
			return true, err
		}
	}
	return n == 2, nil
}

// Progress reads one run.
func (s *Store) Progress(ctx context.Context, nsid string) (Progress, error) {
	id, err := s.rdb.Get(ctx, s.userRunKey(nsid)).Result()
	if errors.Is(err, redis.Nil) {
		return Progress{User: nsid, State: StateNone}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("runs: progress of %s: %w", nsid, err)
	}
	return s.RunProgress(ctx, id)
}

func (s *Store) RunProgress(ctx context.Context, id string) (Progress, error) {
	pipe := s.rdb.Pipeline()
	h := pipe.HGetAll(ctx, s.runKey(id))
	made := pipe.SCard(ctx, s.setKey(id, "made"))
	done := pipe.SCard(ctx, s.setKey(id, "done"))
	failed := pipe.SCard(ctx, s.setKey(id, "failed"))
	if _, err := pipe.Exec(ctx); err != nil {
		return Progress{}, fmt.Errorf("runs: progress of run %s: %w", id, err)
	}
	m := h.Val()
	if len(m) == 0 {
		return Progress{}, fmt.Errorf("runs: progress of run %s: %w", id, ErrUnknownRun)
	}
	p := Progress{
		RunID:      id,
		User:       m["user"],
		State:      m["state"],
		Made:       int(made.Val()),
		Done:       int(done.Val()),
		Failed:     int(failed.Val()),
		StartedAt:  fromMS(m["started_at"]),
		FinishedAt: fromMS(m["finished_at"]),
	}
	c, err := s.rdb.Get(ctx, s.changedKey(p.User)).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return Progress{}, fmt.Errorf("runs: changed of %s: %w", p.User, err)
	}
	p.Changed = c
	return p, nil
}

// Wait registers run as waiting for job's pull.
func (s *Store) Wait(ctx context.Context, run, job string) error {
	pipe := s.rdb.TxPipeline()
	pipe.SAdd(ctx, s.waitersKey(job), run)
	pipe.Expire(ctx, s.waitersKey(job), s.ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("runs: wait for %s: %w", job, err)
	}
	return nil
}

func (s *Store) Unwait(ctx context.Context, run, job string) error {
	if err := s.rdb.SRem(ctx, s.waitersKey(job), run).Err(); err != nil {
		return fmt.Errorf("runs: unwait %s: %w", job, err)
	}
	return nil
}

func (s *Store) Waiters(ctx context.Context, job string) ([]string, error) {
	runs, err := s.rdb.SMembers(ctx, s.waitersKey(job)).Result()
	if err != nil {
		return nil, fmt.Errorf("runs: waiters of %s: %w", job, err)
	}
	return runs, nil
}

func (s *Store) IsFresh(ctx context.Context, job string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.freshKey(job)).Result()
	if err != nil {
		return false, fmt.Errorf("runs: freshness of %s: %w", job, err)
	}
	return n == 1, nil
}

// FreshJobs returns which of jobs are fresh (one round trip).
func (s *Store) FreshJobs(ctx context.Context, jobs []string) (map[string]bool, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(jobs))
	for i, job := range jobs {
		cmds[i] = pipe.Exists(ctx, s.freshKey(job))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("runs: freshness of %d jobs: %w", len(jobs), err)
	}
	out := make(map[string]bool, len(jobs))
	for i, c := range cmds {
		out[jobs[i]] = c.Val() == 1
	}
	return out, nil
}

// Lost reports that job is made in run but unfinished and nobody holds its lock: its start was
// cut short.
func (s *Store) Lost(ctx context.Context, run, job string) (bool, error) {
	pipe := s.rdb.Pipeline()
	done := pipe.SIsMember(ctx, s.setKey(run, "done"), job)
	failed := pipe.SIsMember(ctx, s.setKey(run, "failed"), job)
	locked := pipe.Exists(ctx, s.lockKey(job))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("runs: state of %s in %s: %w", job, run, err)
	}
	return !done.Val() && !failed.Val() && locked.Val() == 0, nil
}

// Running lists running run ids.
func (s *Store) Running(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.runningKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("runs: running runs: %w", err)
	}
	return ids, nil
}

// Unfinished lists the jobs of run neither done nor failed.
func (s *Store) Unfinished(ctx context.Context, run string) ([]string, error) {
	jobs, err := s.rdb.SDiff(ctx, s.setKey(run, "made"), s.setKey(run, "done"), s.setKey(run, "failed")).Result()
	if err != nil {
		return nil, fmt.Errorf("runs: unfinished jobs of %s: %w", run, err)
	}
	return jobs, nil
}

// DropRunning removes an expired or ended run from the running set.
func (s *Store) DropRunning(ctx context.Context, run string) error {
	return s.rdb.SRem(ctx, s.runningKey(), run).Err()
}

// Lock takes job's in-flight lock for pullID; false when another pull holds it.
func (s *Store) Lock(ctx context.Context, job, pullID string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.lockKey(job), pullID, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("runs: lock %s: %w", job, err)
	}
	return ok, nil
}

func (s *Store) Unlock(ctx context.Context, job string) error {
	if err := s.rdb.Del(ctx, s.lockKey(job)).Err(); err != nil {
		return fmt.Errorf("runs: unlock %s: %w", job, err)
	}
	return nil
}

// releaseScript releases a job's lock when the pull id holds it or nobody does, marking the job
// fresh first; 1 when released, 0 when another pull holds the lock.
//
// KEYS[1]: p job:<job>:lock     KEYS[2]: p job:<job>:fresh
// ARGV[1]: the pull id          ARGV[2]: fresh TTL ms (0: don't mark it fresh)
var releaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
redis.call('DEL', KEYS[1])
return 1
`)

// Release ends the pull pullID of job (see releaseScript); fresh > 0 marks the job fresh that long.
func (s *Store) Release(ctx context.Context, job, pullID string, fresh time.Duration) (bool, error) {
	n, err := releaseScript.Run(ctx, s.rdb, []string{s.lockKey(job), s.freshKey(job)}, pullID, fresh.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("runs: release %s: %w", job, err)
	}
	return n == 1, nil
}

// LockHolder returns the pull id holding job's lock; ok is false when nobody holds it.
func (s *Store) LockHolder(ctx context.Context, job string) (pullID string, ok bool, err error) {
	v, err := s.rdb.Get(ctx, s.lockKey(job)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("runs: lock of %s: %w", job, err)
	}
	return v, true, nil
}

// restoreScript puts back a run Redis no longer knows, as its journal recorded it: running (to
// be resumed), or ended with its user's pull failed. It does nothing when Redis knows the run,
// and only ends it when its user has another run now (that run pulls the user).
// Returns 0 (Redis knew the run), 1 (restored running), 2 (restored ended).
//
// KEYS[1]: p run:<id> (the run's hash)    KEYS[2]: p run:<id>:made
// KEYS[3]: p run:<id>:failed              KEYS[4]: p user:<nsid>:run
// KEYS[5]: p runs:running
// ARGV[1]: the run id      ARGV[2]: the user's nsid      ARGV[3]: the reason
// ARGV[4]: started_at, unix ms                           ARGV[5]: now, unix ms
// ARGV[6]: "running" or "ended"                          ARGV[7]: the user's job id
// ARGV[8]: key TTL, seconds
var restoreScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local cur = redis.call('GET', KEYS[4])
local mode = ARGV[6]
if cur and cur ~= ARGV[1] then mode = 'ended' end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'reason', ARGV[3], 'started_at', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[8])
if not cur then redis.call('SET', KEYS[4], ARGV[1], 'EX', ARGV[8]) end
if mode == 'running' then
  redis.call('HSET', KEYS[1], 'state', 'running')
  redis.call('SADD', KEYS[5], ARGV[1])
  return 1
end
redis.call('SADD', KEYS[2], ARGV[7])
redis.call('SADD', KEYS[3], ARGV[7])
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call('EXPIRE', KEYS[3], ARGV[8])
redis.call('HSET', KEYS[1], 'state', 'complete_with_errors', 'finished_at', ARGV[5])
return 2
`)

// Restore puts run back in Redis when Redis lost it (see restoreScript): resume true restores
// it running, for the caller to start its user's pull again; false ends it at now with its
// user's pull failed, so that its progress shows the failure. restored is false when Redis knew
// the run, and resumed is false when the run was ended (asked to, or its user has another run
// now); an ended run leaves the journal.
func (s *Store) Restore(ctx context.Context, run Run, resume bool, now time.Time) (restored, resumed bool, err error) {
	mode := "ended"
	if resume {
		mode = "running"
	}
	keys := []string{s.runKey(run.ID), s.setKey(run.ID, "made"), s.setKey(run.ID, "failed"), s.userRunKey(run.User), s.runningKey()}
	n, err := restoreScript.Run(ctx, s.rdb, keys, run.ID, run.User, string(run.Reason), unixMS(run.StartedAt), unixMS(now), mode,
		UserJob(run.User), s.ttlSeconds()).Int()
	if err != nil {
		return false, false, fmt.Errorf("runs: restore run %s: %w", run.ID, err)
	}
	if n == 2 {
		if err := s.Forget(ctx, run.ID); err != nil {
			return true, false, err
		}
	}
	return n > 0, n == 1, nil
}
