package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Run states of Progress.State.
const (
	StateNone               = "none"
	StateRunning            = "running"
	StateComplete           = "complete"
	StateCompleteWithErrors = "complete_with_errors"
)

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

// errRunEnded: a job was added to a run that has already ended.
var errRunEnded = errors.New("worker: run has ended")

// Job outcomes.
const (
	outcomeDone   = "done"
	outcomeFailed = "failed"
)

// state keeps run progress in Redis. Keys (prefix p):
//
//	p run:<id>              hash: user, reason, state, started_at, finished_at (unix ms)
//	p run:<id>:{made,done,failed}  sets of job ids
//	p user:<nsid>:run       the user's latest run id
//	p user:<nsid>:changed   counter bumped when a job of the user's run lands
//	p job:<job>:waiters     runs waiting for the job's pull
//	p job:<job>:fresh       present while the job's data is fresh (favorites and photostreams of others)
//	p job:<job>:lock        pull id of the job's pull in flight (queued until ingested)
//	p runs:running          ids of running runs (for the reaper)
//
// Keys are built inside scripts, so progress needs a single Redis node (not Redis Cluster).
type state struct {
	rdb redis.UniversalClient
	p   string
	ttl time.Duration
}

func (s state) runKey(id string) string        { return s.p + "run:" + id }
func (s state) setKey(id, which string) string { return s.p + "run:" + id + ":" + which }
func (s state) userRunKey(nsid string) string  { return s.p + "user:" + nsid + ":run" }
func (s state) changedKey(nsid string) string  { return s.p + "user:" + nsid + ":changed" }
func (s state) waitersKey(job string) string   { return s.p + "job:" + job + ":waiters" }
func (s state) freshKey(job string) string     { return s.p + "job:" + job + ":fresh" }
func (s state) lockKey(job string) string      { return s.p + "job:" + job + ":lock" }
func (s state) runningKey() string             { return s.p + "runs:running" }
func (s state) ttlSeconds() int64              { return int64(s.ttl / time.Second) }

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

// startRun returns the run a refresh of nsid should join (created reports a new one).
// cooldown 0 joins only a running run.
func (s state) startRun(ctx context.Context, nsid, newID, reason string, now time.Time, cooldown time.Duration) (id string, created bool, err error) {
	res, err := startRunScript.Run(ctx, s.rdb, []string{s.userRunKey(nsid)},
		s.p, newID, unixMS(now), cooldown.Milliseconds(), nsid, reason, s.ttlSeconds()).Slice()
	if err != nil {
		return "", false, fmt.Errorf("worker: start run of %s: %w", nsid, err)
	}
	id, _ = res[0].(string)
	n, _ := res[1].(int64)
	return id, n == 1, nil
}

// addJobScript: -1 when the run is not running, else SADD's reply (1 new, 0 already made).
var addJobScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return -1 end
local n = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return n
`)

// addJob counts job as made by run; added is false when it already was.
func (s state) addJob(ctx context.Context, run, job string) (added bool, err error) {
	n, err := addJobScript.Run(ctx, s.rdb, []string{s.runKey(run), s.setKey(run, "made")}, job, s.ttlSeconds()).Int()
	if err != nil {
		return false, fmt.Errorf("worker: add job %s to run %s: %w", job, run, err)
	}
	if n < 0 {
		return false, errRunEnded
	}
	return n == 1, nil
}

// finishJobScript records the outcome of one job of one run, once; ends the run when every made
// job is finished. Returns 0 (nothing to do), 1 (recorded) or 2 (recorded and the run ended).
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

// finishJob records outcome for job in run. ended reports that this call ended the run.
func (s state) finishJob(ctx context.Context, run, job, outcome string, now time.Time) (ended bool, err error) {
	n, err := finishJobScript.Run(ctx, s.rdb, []string{s.runKey(run)}, s.p, run, job, outcome, unixMS(now), s.ttlSeconds()).Int()
	if err != nil {
		return false, fmt.Errorf("worker: finish job %s of run %s: %w", job, run, err)
	}
	return n == 2, nil
}

// progress reads one run.
func (s state) progress(ctx context.Context, nsid string) (Progress, error) {
	id, err := s.rdb.Get(ctx, s.userRunKey(nsid)).Result()
	if errors.Is(err, redis.Nil) {
		return Progress{User: nsid, State: StateNone}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("worker: progress of %s: %w", nsid, err)
	}
	return s.runProgress(ctx, id)
}

func (s state) runProgress(ctx context.Context, id string) (Progress, error) {
	pipe := s.rdb.Pipeline()
	h := pipe.HGetAll(ctx, s.runKey(id))
	made := pipe.SCard(ctx, s.setKey(id, "made"))
	done := pipe.SCard(ctx, s.setKey(id, "done"))
	failed := pipe.SCard(ctx, s.setKey(id, "failed"))
	if _, err := pipe.Exec(ctx); err != nil {
		return Progress{}, fmt.Errorf("worker: progress of run %s: %w", id, err)
	}
	m := h.Val()
	if len(m) == 0 {
		return Progress{}, fmt.Errorf("worker: progress of run %s: run expired", id)
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
		return Progress{}, fmt.Errorf("worker: changed of %s: %w", p.User, err)
	}
	p.Changed = c
	return p, nil
}

// wait registers run as waiting for job's pull.
func (s state) wait(ctx context.Context, run, job string) error {
	pipe := s.rdb.TxPipeline()
	pipe.SAdd(ctx, s.waitersKey(job), run)
	pipe.Expire(ctx, s.waitersKey(job), s.ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("worker: wait for %s: %w", job, err)
	}
	return nil
}

func (s state) unwait(ctx context.Context, run, job string) error {
	if err := s.rdb.SRem(ctx, s.waitersKey(job), run).Err(); err != nil {
		return fmt.Errorf("worker: unwait %s: %w", job, err)
	}
	return nil
}

func (s state) waiters(ctx context.Context, job string) ([]string, error) {
	runs, err := s.rdb.SMembers(ctx, s.waitersKey(job)).Result()
	if err != nil {
		return nil, fmt.Errorf("worker: waiters of %s: %w", job, err)
	}
	return runs, nil
}

func (s state) isFresh(ctx context.Context, job string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.freshKey(job)).Result()
	if err != nil {
		return false, fmt.Errorf("worker: freshness of %s: %w", job, err)
	}
	return n == 1, nil
}

// freshJobs returns which of jobs are fresh (one round trip).
func (s state) freshJobs(ctx context.Context, jobs []string) (map[string]bool, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(jobs))
	for i, job := range jobs {
		cmds[i] = pipe.Exists(ctx, s.freshKey(job))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("worker: freshness of %d jobs: %w", len(jobs), err)
	}
	out := make(map[string]bool, len(jobs))
	for i, c := range cmds {
		out[jobs[i]] = c.Val() == 1
	}
	return out, nil
}

// lost reports that job is made in run but unfinished and nobody holds its lock: its start was
// cut short.
func (s state) lost(ctx context.Context, run, job string) (bool, error) {
	pipe := s.rdb.Pipeline()
	done := pipe.SIsMember(ctx, s.setKey(run, "done"), job)
	failed := pipe.SIsMember(ctx, s.setKey(run, "failed"), job)
	locked := pipe.Exists(ctx, s.lockKey(job))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("worker: state of %s in %s: %w", job, run, err)
	}
	return !done.Val() && !failed.Val() && locked.Val() == 0, nil
}

// running lists running run ids.
func (s state) running(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.runningKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("worker: running runs: %w", err)
	}
	return ids, nil
}

// unfinished lists the jobs of run neither done nor failed.
func (s state) unfinished(ctx context.Context, run string) ([]string, error) {
	jobs, err := s.rdb.SDiff(ctx, s.setKey(run, "made"), s.setKey(run, "done"), s.setKey(run, "failed")).Result()
	if err != nil {
		return nil, fmt.Errorf("worker: unfinished jobs of %s: %w", run, err)
	}
	return jobs, nil
}

// dropRunning removes an expired or ended run from the running set.
func (s state) dropRunning(ctx context.Context, run string) error {
	return s.rdb.SRem(ctx, s.runningKey(), run).Err()
}

// lock takes job's in-flight lock for pullID; false when another pull holds it.
func (s state) lock(ctx context.Context, job, pullID string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.lockKey(job), pullID, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("worker: lock %s: %w", job, err)
	}
	return ok, nil
}

func (s state) unlock(ctx context.Context, job string) error {
	if err := s.rdb.Del(ctx, s.lockKey(job)).Err(); err != nil {
		return fmt.Errorf("worker: unlock %s: %w", job, err)
	}
	return nil
}

// releaseScript: KEYS lock, fresh; ARGV pull id, fresh TTL in ms (0: don't mark). Releases the
// lock when pull id holds it or nobody does, marking the job fresh first; 1 when released.
var releaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
redis.call('DEL', KEYS[1])
return 1
`)

// release ends the pull pullID of job (see releaseScript); fresh > 0 marks the job fresh that long.
func (s state) release(ctx context.Context, job, pullID string, fresh time.Duration) (bool, error) {
	n, err := releaseScript.Run(ctx, s.rdb, []string{s.lockKey(job), s.freshKey(job)}, pullID, fresh.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("worker: release %s: %w", job, err)
	}
	return n == 1, nil
}
