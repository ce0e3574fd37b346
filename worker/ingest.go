package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/worker/task"
)

// ingestBatch is the favorites per graph.Store.AddFaves call.
const ingestBatch = 500

// handleIngest runs graph:ingest where the graph is: it writes the pull's favorites in batches,
// the contacts of a user pull, closes the pull (FinishPull), starts the neighbor pulls of the
// runs waiting on a user pull, and only then counts the job as done, so no run ends early.
// Every step is idempotent, so a repeated delivery changes nothing.
func (w *Worker) handleIngest(ctx context.Context, t *asynq.Task) error {
	in, err := task.ParseIngest(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	at := time.Unix(0, in.At).UTC()
	owners := map[string]graph.User{}
	for _, o := range in.Owners {
		owners[o.NSID] = graph.User{NSID: o.NSID, Username: o.Username, IconURL: o.IconURL}
	}
	for start := 0; start < len(in.Faves) || start == 0; start += ingestBatch {
		end := min(start+ingestBatch, len(in.Faves))
		b := graph.FavesBatch{User: in.User, PullID: in.PullID, At: at}
		seen := map[string]bool{}
		for _, f := range in.Faves[start:end] {
			b.Faves = append(b.Faves, graph.Fave{Photo: graphPhoto(f.Photo), FavedAt: task.Unix(f.FavedAt)})
			if o, ok := owners[f.Owner]; ok && !seen[f.Owner] {
				seen[f.Owner] = true
				b.Owners = append(b.Owners, o)
			}
		}
		if err := w.graph.AddFaves(ctx, b); err != nil {
			return graphError(fmt.Errorf("worker: add faves of %s: %w", in.User, err))
		}
		w.m.favesIngested.Add(float64(len(b.Faves)))
		if end == len(in.Faves) {
			break
		}
	}
	if in.WithContacts {
		cs := make([]graph.User, 0, len(in.Contacts))
		for _, c := range in.Contacts {
			cs = append(cs, graph.User{NSID: c.NSID, Username: c.Username, IconURL: c.IconURL})
		}
		if err := w.graph.SetContacts(ctx, in.User, cs); err != nil {
			return graphError(fmt.Errorf("worker: set contacts of %s: %w", in.User, err))
		}
	}
	kind := graph.PullIncremental
	if in.Kind == task.KindFull {
		kind = graph.PullFull
	}
	if err := w.graph.FinishPull(ctx, graph.PullDone{User: in.User, PullID: in.PullID, Kind: kind, At: at}); err != nil {
		return graphError(fmt.Errorf("worker: finish pull of %s: %w", in.User, err))
	}
	if in.FanOut {
		if err := w.fanOut(ctx, in.Job, in.User); err != nil {
			return err
		}
	}
	if err := w.client.endJob(ctx, in.Job, in.PullID, outcomeDone); err != nil {
		return err
	}
	w.log.DebugContext(ctx, "pull ingested", "job", in.Job, "user_nsid", in.User, "faves", len(in.Faves),
		"contacts", len(in.Contacts), "calls", in.Calls, "kind", in.Kind)
	return nil
}

// fanOut starts neighbor pulls, by expected value (graph.ByTaken), for every run waiting on the
// user pull job: the first FirstNeighbors on the pull-first queue, the rest on the pull queue, in
// order. Neighbors pulled within NeighborFresh are skipped and not counted.
func (w *Worker) fanOut(ctx context.Context, job, user string) error {
	runs, err := w.client.st.waiters(ctx, job)
	if err != nil || len(runs) == 0 {
		return err
	}
	ns, err := w.graph.Neighbors(ctx, user, graph.ByTaken, w.pipe.MaxNeighbors)
	if err != nil {
		return fmt.Errorf("worker: neighbors of %s: %w", user, err)
	}
	now := w.now()
	for _, run := range runs {
		queued := 0
		for _, n := range ns {
			if !n.PulledAt.IsZero() && now.Sub(n.PulledAt) < w.pipe.NeighborFresh {
				continue
			}
			queue := task.QueuePull
			if queued < w.pipe.FirstNeighbors {
				queue = task.QueuePullFirst
			}
			err := w.client.startNeighborPull(ctx, run, n.User.NSID, queue, task.LaneBackground)
			if errors.Is(err, errRunEnded) {
				break
			}
			if err != nil {
				return err
			}
			queued++
		}
		w.log.DebugContext(ctx, "neighbors queued", "user_nsid", user, "run_id", run, "neighbors", len(ns), "queued", queued)
	}
	return nil
}

func graphPhoto(p task.Photo) graph.Photo {
	return graph.Photo{ID: p.ID, Owner: p.Owner, Title: p.Title, Farm: p.Farm, Server: p.Server,
		Secret: p.Secret, ThumbURL: p.ThumbURL, ImageURL: p.ImageURL, Width: p.Width, Height: p.Height}
}

// pullOf returns the pull carried by a pull or ingest task; ok is false for other tasks.
func pullOf(t *asynq.Task) (p task.Pull, ok bool) {
	switch t.Type() {
	case task.TypePullUser, task.TypePullNeighbor:
		p, err := task.ParsePull(t)
		return p, err == nil
	case task.TypeIngest:
		in, err := task.ParseIngest(t)
		return in.Pull, err == nil
	}
	return task.Pull{}, false
}

// graphError makes invalid arguments (data the graph will never accept) permanent.
func graphError(err error) error {
	if errors.Is(err, graph.ErrInvalidArgument) {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}
