package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// dueBatch is the most users one refresh:due task starts.
const dueBatch = 500

var queues = []string{task.QueueInteractive, task.QueuePullFirst, task.QueuePull, task.QueueIngest}

// schedule runs the scheduler role until ctx is done. Several schedulers may run at once: the
// refresh:due task of a period has a deterministic id, so only one is enqueued per period
// (Asynq's own Scheduler would enqueue one per instance), and reaping is idempotent.
func (w *Worker) schedule(ctx context.Context) {
	tick := time.NewTicker(w.opts.ScheduleEvery)
	defer tick.Stop()
	reap := time.NewTicker(w.opts.ReapEvery)
	defer reap.Stop()
	w.recoverRuns(ctx)
	w.enqueueDue(ctx)
	w.reap(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			w.enqueueDue(ctx)
		case <-reap.C:
			w.reap(ctx)
		}
	}
}

func (w *Worker) enqueueDue(ctx context.Context) {
	slot := w.now().Truncate(w.opts.ScheduleEvery).Unix()
	t, err := task.NewRefreshDue(task.RefreshDue{Slot: slot})
	if err != nil {
		w.log.Error("refresh due task", "err", err)
		return
	}
	_, err = w.q.EnqueueContext(ctx, t, asynq.TaskID(task.RefreshDueTaskID(slot)), asynq.Queue(task.QueueIngest),
		asynq.MaxRetry(1), asynq.Timeout(w.opts.ScheduleEvery), asynq.Retention(2*w.opts.ScheduleEvery))
	switch {
	case errors.Is(err, asynq.ErrTaskIDConflict):
		// Another scheduler enqueued this period's task.
	case err != nil && ctx.Err() == nil:
		w.log.Warn("enqueue refresh due", "err", err)
	}
}

// handleRefreshDue starts (or joins) a refresh of every registered user not pulled within
// RefreshEvery. Refresh joins running runs, so overlapping periods pull nothing twice.
func (w *Worker) handleRefreshDue(ctx context.Context, _ *asynq.Task) error {
	due, err := w.graph.DueForRefresh(ctx, w.now().Add(-w.opts.RefreshEvery), dueBatch)
	if err != nil {
		return fmt.Errorf("worker: due for refresh: %w", err)
	}
	var errs []error
	for _, nsid := range due {
		if _, err := w.client.Refresh(ctx, nsid, runs.ReasonSchedule); err != nil {
			errs = append(errs, err)
		}
	}
	if len(due) > 0 {
		w.log.Info("scheduled refreshes", "users", len(due), "errors", len(errs))
	}
	return errors.Join(errs...)
}

// reap makes progress always finish: archived tasks (retries exhausted, including tasks Asynq's
// recoverer archived after a worker died, which skip the ErrorHandler) count as failed for their
// job's runs and are deleted; runs older than MaxRunAge end with their unfinished jobs failed.
// It also samples queue depth. Idempotent, so several schedulers may run it.
func (w *Worker) reap(ctx context.Context) {
	for _, q := range queues {
		w.reapArchived(ctx, q)
		if info, err := w.insp.GetQueueInfo(q); err == nil {
			for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
				"retry": info.Retry, "archived": info.Archived} {
				w.m.queueDepth.WithLabelValues(q, state).Set(float64(n))
			}
		}
	}
	w.reapRuns(ctx)
	w.recoverJournal(ctx)
}

func (w *Worker) reapArchived(ctx context.Context, q string) {
	tasks, err := w.insp.ListArchivedTasks(q, asynq.PageSize(100))
	if err != nil {
		return // the queue may not exist yet
	}
	for _, ti := range tasks {
		if p, ok := pullOf(asynq.NewTask(ti.Type, ti.Payload)); ok {
			if err := w.client.endJob(ctx, p.Job, p.PullID, runs.OutcomeFailed); err != nil {
				w.log.Warn("reap archived task", "task_id", ti.ID, "job", p.Job, "err", err)
				continue
			}
		}
		if err := w.insp.DeleteTask(q, ti.ID); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
			w.log.Warn("delete archived task", "task_id", ti.ID, "err", err)
		}
	}
}

func (w *Worker) reapRuns(ctx context.Context) {
	running, err := w.client.st.Running(ctx)
	if err != nil {
		w.log.Warn("list running runs", "err", err)
		return
	}
	suspects := map[string]bool{}
	for _, run := range running {
		p, err := w.client.st.RunProgress(ctx, run)
		if err != nil {
			_ = w.client.st.DropRunning(ctx, run) // expired
			continue
		}
		if p.State != runs.StateRunning {
			continue
		}
		jobs, err := w.client.st.Unfinished(ctx, run)
		if err != nil {
			continue
		}
		if w.now().Sub(p.StartedAt) >= w.pipe.MaxRunAge {
			w.log.Warn("run too old, ending it", "run_id", run, "user_nsid", p.User, "unfinished", len(jobs))
			for _, job := range jobs {
				if err := w.client.finish(ctx, run, job, runs.OutcomeFailed); err != nil {
					w.log.Warn("end old run", "run_id", run, "err", err)
				}
			}
			continue
		}
		for _, job := range jobs {
			w.restartLost(ctx, run, p.User, job, suspects)
		}
	}
	w.suspects = suspects
}

// restartLost starts a job whose start was cut short (made, unfinished, unlocked) when it was
// seen so on the previous pass too (a job between release and count looks the same for a moment).
func (w *Worker) restartLost(ctx context.Context, run, user, job string, suspects map[string]bool) {
	lost, err := w.client.st.Lost(ctx, run, job)
	if err != nil || !lost {
		return
	}
	key := run + " " + job
	suspects[key] = true
	if !w.suspects[key] {
		return
	}
	w.log.Warn("restarting lost pull", "run_id", run, "job", job)
	if err := w.restartJob(ctx, run, user, job); err != nil {
		w.log.Warn("restart lost pull", "run_id", run, "job", job, "err", err)
	}
}

// restartJob starts job of run again (startJob does nothing for a job already under way).
func (w *Worker) restartJob(ctx context.Context, run, user, job string) error {
	switch kind, nsid := runs.ParseJob(job); {
	case kind == runs.JobUser && nsid == user:
		return w.client.startUserPull(ctx, run, nsid, runs.ReasonSchedule)
	case kind == runs.JobNeighbor:
		return w.client.startNeighborPull(ctx, run, nsid, task.QueuePull, task.LaneBackground)
	case kind == runs.JobPhotos:
		return w.client.startPhotosPull(ctx, run, nsid, task.QueuePull, task.LaneBackground)
	}
	return nil
}
