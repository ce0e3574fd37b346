package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/worker/task"
)

// Flickr page sizes: the maximum per call, so a pull spends the fewest calls.
const (
	favesPerPage    = 500
	contactsPerPage = 1000
)

// handlePull runs flickr:pull-user, flickr:pull-neighbor and flickr:pull-photos: it pages
// through the person's public favorites (newest first, from MinFaveDate, at most MaxFaves) and,
// for a user pull, contacts, or it fetches one page of their newest public photos (a photostream
// pull), then hands everything on as one ingest task. A retried pull re-enqueues the same ingest
// task id.
func (w *Worker) handlePull(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePull(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	lane := flickr.Background
	switch p.Lane {
	case task.LaneInteractive:
		lane = flickr.Interactive
	case task.LaneAnonymous:
		lane = flickr.Anonymous
	}
	ctx = flickr.WithLane(ctx, lane)
	in := task.Ingest{Pull: p}
	if p.Photostream() {
		if err := w.pullPhotos(ctx, p, &in); err != nil {
			return pullError(p, err)
		}
	} else if err := w.pullFaves(ctx, p, &in); err != nil {
		return pullError(p, err)
	}
	if p.WithContacts {
		if err := w.pullContacts(ctx, p, &in); err != nil {
			return pullError(p, err)
		}
	}
	in.At = w.now().UnixNano()
	it, err := task.NewIngest(in)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	_, err = w.q.EnqueueContext(ctx, it,
		asynq.TaskID(task.IngestTaskID(p.Job, p.PullID)), asynq.Queue(task.QueueIngest),
		asynq.MaxRetry(w.pipe.MaxRetry), asynq.Timeout(w.pipe.IngestTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("worker: enqueue ingest of %s: %w", p.Job, err)
	}
	return nil
}

func (w *Worker) pullFaves(ctx context.Context, p task.Pull, in *task.Ingest) error {
	owners := map[string]bool{}
	for page := 1; ; page++ {
		per := favesPerPage
		if p.MaxFaves > 0 && p.MaxFaves-len(in.Faves) < per {
			per = p.MaxFaves - len(in.Faves)
		}
		res, err := w.flickr.PublicFavorites(ctx, p.User, flickr.FavoritesQuery{Page: page, PerPage: per, MinFaveDate: task.Unix(p.MinFaveDate)})
		in.Calls++
		if err != nil {
			return fmt.Errorf("worker: favorites of %s page %d: %w", p.User, page, err)
		}
		for _, ph := range res.Photos {
			if p.MaxFaves > 0 && len(in.Faves) >= p.MaxFaves {
				break
			}
			in.Faves = append(in.Faves, faveOf(ph))
			if !owners[ph.Owner] && ph.Owner != "" {
				owners[ph.Owner] = true
				in.Owners = append(in.Owners, task.Person{NSID: ph.Owner, Username: ph.OwnerName, IconURL: ph.OwnerIconURL})
			}
		}
		if page >= res.Pages || len(res.Photos) == 0 || (p.MaxFaves > 0 && len(in.Faves) >= p.MaxFaves) {
			return nil
		}
	}
}

// pullPhotos fetches the newest p.MaxPhotos public photos of p.User: one call. Photos listed
// under another owner (Flickr never sends them) are dropped, since AddPhotos would refuse the batch.
func (w *Worker) pullPhotos(ctx context.Context, p task.Pull, in *task.Ingest) error {
	res, err := w.flickr.PublicPhotos(ctx, p.User, 1, min(p.MaxPhotos, flickr.MaxPerPage))
	in.Calls++
	if err != nil {
		return fmt.Errorf("worker: photos of %s: %w", p.User, err)
	}
	for _, ph := range res.Photos {
		if ph.Owner == p.User && len(in.Photos) < p.MaxPhotos {
			in.Photos = append(in.Photos, photoOf(ph))
		}
	}
	return nil
}

func (w *Worker) pullContacts(ctx context.Context, p task.Pull, in *task.Ingest) error {
	for page := 1; ; page++ {
		res, err := w.flickr.PublicContacts(ctx, p.User, page, contactsPerPage)
		in.Calls++
		if err != nil {
			return fmt.Errorf("worker: contacts of %s page %d: %w", p.User, page, err)
		}
		for _, c := range res.Contacts {
			in.Contacts = append(in.Contacts, task.Person{NSID: c.NSID, Username: c.Username, IconURL: c.IconURL})
		}
		if page >= res.Pages || len(res.Contacts) == 0 {
			return nil
		}
	}
}

// photoOf converts a photo of a Flickr list: the thumbnail is url_q, the image the largest
// display size up to 1024 pixels (flickr.Photo.Display) with its width and height.
func photoOf(ph flickr.Photo) task.Photo {
	d := ph.Display()
	return task.Photo{ID: ph.ID, Owner: ph.Owner, Title: ph.Title, Farm: ph.Farm, Server: ph.Server,
		Secret: ph.Secret, ThumbURL: ph.Thumb.URL, ImageURL: d.URL, Width: d.Width, Height: d.Height}
}

func faveOf(ph flickr.Photo) task.Fave {
	f := task.Fave{Photo: photoOf(ph)}
	if !ph.FavedAt.IsZero() {
		f.FavedAt = ph.FavedAt.Unix()
	}
	return f
}

// pullError makes permanent Flickr errors (a user deleted on Flickr, a bad key) skip retries,
// so the pull counts as failed at once; transient ones (429, 5xx, network) are retried.
func pullError(p task.Pull, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || flickr.IsRetryable(err) {
		return err
	}
	return fmt.Errorf("worker: pull %s: %w: %w", p.Job, err, asynq.SkipRetry)
}
