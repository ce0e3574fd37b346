package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/worker/task"
)

// ingestBatch is the favorites per graph.Store.AddFaves call.
const ingestBatch = 500

// handleIngest runs graph:ingest where the graph is: it writes the pull's favorites in batches,
// the contacts of a user pull, closes the pull (FinishPull), starts the fan-out pulls of the
// runs waiting on a user pull, and only then counts the job as done, so no run ends early. A
// photostream pull's photos are written with AddPhotos instead, and close nothing: the person's
// favorites were not pulled. Every step is idempotent, so a repeated delivery changes nothing.
func (w *Worker) handleIngest(ctx context.Context, t *asynq.Task) error {
	in, err := task.ParseIngest(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	at := time.Unix(0, in.At).UTC()
	if in.Photostream() {
		return w.ingestPhotos(ctx, in, at)
	}
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
		contacts := make([]string, len(in.Contacts))
		for i, c := range in.Contacts {
			contacts[i] = c.NSID
		}
		if err := w.fanOut(ctx, in.Job, in.User, contacts); err != nil {
			return err
		}
	}
	if err := w.client.endJob(ctx, in.Job, in.PullID, runs.OutcomeDone); err != nil {
		return err
	}
	w.log.DebugContext(ctx, "pull ingested", "job", in.Job, "user_nsid", in.User, "faves", len(in.Faves),
		"contacts", len(in.Contacts), "calls", in.Calls, "kind", in.Kind)
	return nil
}

// ingestPhotos writes a photostream pull (TOOK edges without FAVED ones) and counts its job done.
func (w *Worker) ingestPhotos(ctx context.Context, in task.Ingest, at time.Time) error {
	for start := 0; start < len(in.Photos); start += ingestBatch {
		b := graph.PhotosBatch{Owner: in.User, At: at}
		for _, p := range in.Photos[start:min(start+ingestBatch, len(in.Photos))] {
			b.Photos = append(b.Photos, graphPhoto(p))
		}
		if err := w.graph.AddPhotos(ctx, b); err != nil {
			return graphError(fmt.Errorf("worker: add photos of %s: %w", in.User, err))
		}
	}
	if err := w.client.endJob(ctx, in.Job, in.PullID, runs.OutcomeDone); err != nil {
		return err
	}
	w.log.DebugContext(ctx, "pull ingested", "job", in.Job, "user_nsid", in.User, "photos", len(in.Photos), "calls", in.Calls)
	return nil
}

// fanOut starts the pulls that follow user's own pull, for every run waiting on it, in the
// order and within the bounds of planFanOut: favorites of the neighbors and the contacts,
// photostreams of the owners user faves most and of the contacts. The first FirstPulls go on
// the pull-first queue, the rest on the pull queue, in order. Pulls whose data is fresh are
// skipped and not counted: favorites pulled within NeighborFresh (graph PullState), photostreams
// pulled within NeighborFresh (their Redis freshness mark; startJob also counts a pull that
// turned fresh meanwhile as done at once).
func (w *Worker) fanOut(ctx context.Context, job, user string, contacts []string) error {
	waiting, err := w.client.st.Waiters(ctx, job)
	if err != nil || len(waiting) == 0 {
		return err
	}
	ns, err := w.graph.Neighbors(ctx, user, graph.ByTaken, max(w.pipe.MaxNeighbors, w.pipe.OwnerPhotos))
	if err != nil {
		return fmt.Errorf("worker: neighbors of %s: %w", user, err)
	}
	plan, err := w.dropFresh(ctx, planFanOut(user, ns, contacts, w.pipe.fanCaps()), ns)
	if err != nil {
		return err
	}
	for _, run := range waiting {
		queued := 0
		for _, p := range plan {
			queue := task.QueuePull
			if queued < w.pipe.FirstPulls {
				queue = task.QueuePullFirst
			}
			var err error
			if p.photos {
				err = w.client.startPhotosPull(ctx, run, p.nsid, queue, task.LaneBackground)
			} else {
				err = w.client.startNeighborPull(ctx, run, p.nsid, queue, task.LaneBackground)
			}
			if errors.Is(err, runs.ErrRunEnded) {
				break
			}
			if err != nil {
				return err
			}
			queued++
		}
		w.log.DebugContext(ctx, "fan-out queued", "user_nsid", user, "run_id", run, "neighbors", len(ns),
			"contacts", len(contacts), "planned", len(plan), "queued", queued)
	}
	return nil
}

// dropFresh removes from plan the pulls whose data is fresh (see fanOut). ns carries the
// neighbors' PulledAt; other people's come from the graph.
func (w *Worker) dropFresh(ctx context.Context, plan []fanPull, ns []graph.Neighbor) ([]fanPull, error) {
	pulledAt := make(map[string]time.Time, len(ns))
	for _, n := range ns {
		pulledAt[n.User.NSID] = n.PulledAt
	}
	var photoJobs []string
	for _, p := range plan {
		if p.photos {
			photoJobs = append(photoJobs, p.job())
		}
	}
	freshJobs, err := w.client.st.FreshJobs(ctx, photoJobs)
	if err != nil {
		return nil, err
	}
	now := w.now()
	out := plan[:0:0]
	for _, p := range plan {
		if p.photos {
			if !freshJobs[p.job()] {
				out = append(out, p)
			}
			continue
		}
		at, ok := pulledAt[p.nsid]
		if !ok {
			ps, err := w.graph.PullState(ctx, p.nsid)
			if err != nil && !errors.Is(err, graph.ErrNotFound) {
				return nil, fmt.Errorf("worker: pull state of %s: %w", p.nsid, err)
			}
			at = ps.LastPullAt
		}
		if at.IsZero() || now.Sub(at) >= w.pipe.NeighborFresh {
			out = append(out, p)
		}
	}
	return out, nil
}

func graphPhoto(p task.Photo) graph.Photo {
	return graph.Photo{ID: p.ID, Owner: p.Owner, Title: p.Title, Farm: p.Farm, Server: p.Server,
		Secret: p.Secret, ThumbURL: p.ThumbURL, ImageURL: p.ImageURL, Width: p.Width, Height: p.Height}
}

// pullOf returns the pull carried by a pull or ingest task; ok is false for other tasks.
func pullOf(t *asynq.Task) (p task.Pull, ok bool) {
	switch t.Type() {
	case task.TypePullUser, task.TypePullNeighbor, task.TypePullPhotos:
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

// Reranker is a graph that stores rankings computed off the request path (graph/neo4j):
// Rerank recomputes a member's stored rankings. Graphs without it (the embedded engine, which
// ranks from memory) ignore graph:rank.
type Reranker interface {
	Rerank(ctx context.Context, nsid string) error
}

// handleRank runs graph:rank: once a member's refresh run ended, their neighbors' and contacts'
// data has landed, and a graph that stores rankings recomputes theirs.
func (w *Worker) handleRank(ctx context.Context, t *asynq.Task) error {
	r, err := task.ParseRank(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	rr, ok := w.graph.(Reranker)
	if !ok {
		return nil
	}
	if err := rr.Rerank(ctx, r.User); err != nil {
		return graphError(fmt.Errorf("worker: rank %s: %w", r.User, err))
	}
	return nil
}
