package worker

import (
	"context"
	"errors"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// recoverRuns makes every run that was not finished when the processes (or Redis) stopped either
// go on or end, once, when the scheduler starts:
//
//   - a run the journal holds and Redis lost (the demo's in-process Redis, a Redis restarted
//     without its data) is put back and its user's pull started again: the pull plans the
//     fan-out again, and people pulled meanwhile are fresh in the graph, so only the missing
//     pulls are made. Its counts restart from there. A run older than Pipeline.MaxRunAge, or
//     whose user has a newer run, is ended instead, its user's pull counted failed;
//   - in every running run Redis knows, a job made but never started (no lock), or whose lock
//     outlived its tasks (no pull or ingest task in any queue), is started again now rather
//     than when the reaper notices or the lock expires.
//
// Runs Redis knows that ended leave the journal. Failures are logged; the reaper goes on (and
// repeats the journal part every pass, see recoverJournal).
func (w *Worker) recoverRuns(ctx context.Context) {
	w.recovered.Do(func() { w.recoverOnce(ctx) })
}

// Recover runs the start-up recovery of runs (recoverRuns) now, for a process that must not
// answer for runs before it is done (main calls it before serving HTTP); the scheduler role then
// skips it. A Worker without the scheduler role recovers nothing.
func (w *Worker) Recover(ctx context.Context) {
	if w.roles&RoleScheduler != 0 {
		w.recoverRuns(ctx)
	}
}

func (w *Worker) recoverOnce(ctx context.Context) {
	st := w.client.st
	w.recoverJournal(ctx)
	running, err := st.Running(ctx)
	if err != nil {
		w.log.Warn("list running runs", "err", err)
		return
	}
	for _, run := range running {
		p, err := st.RunProgress(ctx, run)
		if err != nil || p.State != runs.StateRunning {
			continue
		}
		if !p.StartedAt.Before(w.born) {
			// Started since this process began: a live client is between making its first job
			// and locking it, not stranded. The reaper's two-pass check covers it from here.
			continue
		}
		jobs, err := st.Unfinished(ctx, run)
		if err != nil {
			w.log.Warn("unfinished jobs", "run_id", run, "err", err)
			continue
		}
		restarted := 0
		for _, job := range jobs {
			ok, err := w.restartIfStranded(ctx, run, p.User, job)
			if err != nil {
				w.log.Warn("restart stranded pull", "run_id", run, "job", job, "err", err)
			}
			if ok {
				restarted++
			}
		}
		if restarted > 0 {
			w.log.Info("run resumed", "run_id", run, "user_nsid", p.User, "pulls_restarted", restarted, "unfinished", len(jobs))
		}
	}
}

// recoverJournal resumes or ends the journaled runs Redis lost, and forgets those Redis says
// ended (a run ended by a process without the journal, a pull worker counting a failure). The
// reaper runs it too, so a Redis that restarts without its data under running processes loses
// no run either.
func (w *Worker) recoverJournal(ctx context.Context) {
	journaled, err := w.client.st.Journaled(ctx)
	if err != nil {
		w.log.Warn("read the run journal", "err", err)
		return
	}
	for _, r := range journaled {
		w.recoverJournaled(ctx, r)
	}
}

func (w *Worker) recoverJournaled(ctx context.Context, r runs.Run) {
	st := w.client.st
	p, err := st.RunProgress(ctx, r.ID)
	switch {
	case err == nil && p.State != runs.StateRunning:
		if err := st.Forget(ctx, r.ID); err != nil {
			w.log.Warn("forget ended run", "run_id", r.ID, "err", err)
		}
		return
	case err == nil:
		return // running, and Redis knows it: its jobs are checked below
	case !errors.Is(err, runs.ErrUnknownRun):
		w.log.Warn("journaled run", "run_id", r.ID, "err", err)
		return
	}
	resume := w.now().Sub(r.StartedAt) < w.pipe.MaxRunAge
	restored, resumed, err := st.Restore(ctx, r, resume, w.now())
	if err != nil || !restored {
		if err != nil {
			w.log.Warn("restore lost run", "run_id", r.ID, "err", err)
		}
		return
	}
	if !resumed {
		w.log.Warn("lost run ended", "run_id", r.ID, "user_nsid", r.User, "reason", string(r.Reason), "started_at", r.StartedAt)
		return
	}
	if err := w.client.startUserPull(ctx, r.ID, r.User, r.Reason); err != nil {
		w.log.Warn("resume lost run", "run_id", r.ID, "user_nsid", r.User, "err", err)
		return
	}
	w.log.Info("lost run resumed", "run_id", r.ID, "user_nsid", r.User, "reason", string(r.Reason))
}

// restartIfStranded starts job of run again when nothing will finish it: never started (no
// lock), or locked by a pull whose pull and ingest tasks are in no queue. It reports a restart.
func (w *Worker) restartIfStranded(ctx context.Context, run, user, job string) (bool, error) {
	st := w.client.st
	pullID, locked, err := st.LockHolder(ctx, job)
	if err != nil {
		return false, err
	}
	if locked {
		if w.taskExists(task.PullTaskID(job)) || w.taskExists(task.IngestTaskID(job, pullID)) {
			return false, nil
		}
		w.log.Warn("pull lost with its lock held", "run_id", run, "job", job, "pull_id", pullID)
		if _, err := st.Release(ctx, job, pullID, 0); err != nil {
			return false, err
		}
	}
	lost, err := st.Lost(ctx, run, job)
	if err != nil || !lost {
		return false, err
	}
	return true, w.restartJob(ctx, run, user, job)
}

// taskExists reports whether a task with this id is in any queue, in any state (pending,
// active, scheduled, retry or archived: each ends the job one way or another).
func (w *Worker) taskExists(id string) bool {
	for _, q := range queues {
		if _, err := w.insp.GetTaskInfo(q, id); err == nil || !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) {
			return true
		}
	}
	return false
}
