package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
)

// exec runs one write statement in its own managed write transaction.
func (s *Store) exec(ctx context.Context, st cypher.Statement, params map[string]any) error {
	_, err := write(ctx, s, func(t tx) (struct{}, error) {
		_, err := run(ctx, t, st, params)
		return struct{}{}, err
	})
	return err
}

// UpsertUsers merges users by NSID in one batch; empty fields never overwrite known values.
func (s *Store) UpsertUsers(ctx context.Context, users []graph.User) error {
	if err := graph.CheckUsers(users); err != nil {
		return err
	}
	if len(users) == 0 {
		return nil
	}
	if err := s.exec(ctx, cypher.UpsertUsers, upsertUsersParams(users)); err != nil {
		return fmt.Errorf("neo4j: upsert %d users: %w", len(users), err)
	}
	return nil
}

// AddFaves merges one batch (owners, photos, TOOK and FAVED edges) in one transaction.
// Idempotent: the same batch twice leaves the graph as once. A zero b.At means now; FavedAt is
// kept to the second and must lie in 1970..2106 (or be zero: unknown), as in the embedded graph.
func (s *Store) AddFaves(ctx context.Context, b graph.FavesBatch) error {
	if err := graph.CheckFavesBatch(b); err != nil {
		return err
	}
	if b.At.IsZero() {
		b.At = time.Now()
	}
	_, err := write(ctx, s, func(t tx) (struct{}, error) {
		if _, err := run(ctx, t, cypher.AddFaves, addFavesParams(b)); err != nil {
			return struct{}{}, err
		}
		if len(b.Owners) > 0 {
			if _, err := run(ctx, t, cypher.UpsertUsers, upsertUsersParams(b.Owners)); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("neo4j: add %d faves of %s: %w", len(b.Faves), b.User, err)
	}
	return nil
}

// AddPhotos merges one batch of an owner's photos (TOOK edges, no FAVED ones; the first owner
// wins) in one transaction. Idempotent. A zero b.At means now.
func (s *Store) AddPhotos(ctx context.Context, b graph.PhotosBatch) error {
	if err := graph.CheckPhotosBatch(b); err != nil {
		return err
	}
	if b.At.IsZero() {
		b.At = time.Now()
	}
	if err := s.exec(ctx, cypher.AddPhotos, addPhotosParams(b)); err != nil {
		return fmt.Errorf("neo4j: add %d photos of %s: %w", len(b.Photos), b.Owner, err)
	}
	return nil
}

// RemoveFave deletes one FAVED edge; a missing edge or user is not an error.
func (s *Store) RemoveFave(ctx context.Context, user, photoID string) error {
	if err := graph.CheckUserPhoto(user, photoID); err != nil {
		return err
	}
	if err := s.exec(ctx, cypher.RemoveFave, removeFaveParams(user, photoID)); err != nil {
		return fmt.Errorf("neo4j: remove fave %s of %s: %w", photoID, user, err)
	}
	return nil
}

// FinishPull records the end of a pull (a zero p.At means now) in one statement: a full pull
// first removes the user's FAVED edges that no batch of p.PullID carried. A pull finished
// before (one of the user's last 8) changes nothing, so a redelivered finish is a no-op. When
// the user is registered, its stored ranking under the default algorithm is queued for
// recomputing.
func (s *Store) FinishPull(ctx context.Context, p graph.PullDone) error {
	if err := graph.CheckPullDone(p); err != nil {
		return err
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	type finished struct {
		removed    int64
		registered bool
	}
	f, err := write(ctx, s, func(t tx) (finished, error) {
		recs, err := run(ctx, t, cypher.FinishPull, finishPullParams(p))
		if err != nil || len(recs) == 0 {
			return finished{}, err
		}
		r := row{recs[0]}
		registered, _ := r.get("registered").(bool)
		return finished{integer(r.get("removed")), registered}, nil
	})
	if err != nil {
		return fmt.Errorf("neo4j: finish pull %s of %s: %w", p.PullID, p.User, err)
	}
	if f.registered && storedAlgorithm(s.def) {
		s.rankQ.add(rankJob{p.User, s.def}) // a registered member's data landed: rank it again
	}
	removed := f.removed
	if removed > 0 {
		s.log.Debug("faves removed by full pull", "user_nsid", p.User, "pull_id", p.PullID, "removed", removed)
	}
	return nil
}

// Register marks nsid (created if unknown) as kept fresh by the scheduler. Idempotent.
func (s *Store) Register(ctx context.Context, nsid string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if err := s.exec(ctx, cypher.Register, nsidParams(nsid)); err != nil {
		return fmt.Errorf("neo4j: register %s: %w", nsid, err)
	}
	return nil
}

// SetContacts replaces the FOLLOWS edges of nsid with contacts, in one transaction.
func (s *Store) SetContacts(ctx context.Context, nsid string, contacts []graph.User) error {
	if err := graph.CheckContacts(nsid, contacts); err != nil {
		return err
	}
	_, err := write(ctx, s, func(t tx) (struct{}, error) {
		if _, err := run(ctx, t, cypher.PruneFollows, pruneFollowsParams(nsid, contacts)); err != nil {
			return struct{}{}, err
		}
		_, err := run(ctx, t, cypher.AddFollows, addFollowsParams(nsid, contacts))
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("neo4j: set %d contacts of %s: %w", len(contacts), nsid, err)
	}
	return nil
}

func (s *Store) photoDismissal(ctx context.Context, st cypher.Statement, nsid, photoID string) error {
	if err := graph.CheckUserPhoto(nsid, photoID); err != nil {
		return err
	}
	if err := s.exec(ctx, st, photoDismissalParams(nsid, photoID)); err != nil {
		return fmt.Errorf("neo4j: %s %s for %s: %w", st.Name, photoID, nsid, err)
	}
	return nil
}

func (s *Store) userDismissal(ctx context.Context, st cypher.Statement, nsid, target string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if err := graph.CheckID("nsid", target); err != nil {
		return err
	}
	if err := s.exec(ctx, st, userDismissalParams(nsid, target)); err != nil {
		return fmt.Errorf("neo4j: %s %s for %s: %w", st.Name, target, nsid, err)
	}
	return nil
}

// DismissPhoto records that nsid (created if unknown) dismissed photoID. Idempotent.
func (s *Store) DismissPhoto(ctx context.Context, nsid, photoID string) error {
	return s.photoDismissal(ctx, cypher.DismissPhoto, nsid, photoID)
}

// UndismissPhoto removes that dismissal; a missing one is not an error.
func (s *Store) UndismissPhoto(ctx context.Context, nsid, photoID string) error {
	return s.photoDismissal(ctx, cypher.UndismissPhoto, nsid, photoID)
}

// DismissUser records that nsid dismissed target (both created if unknown). Idempotent.
func (s *Store) DismissUser(ctx context.Context, nsid, target string) error {
	return s.userDismissal(ctx, cypher.DismissUser, nsid, target)
}

// UndismissUser removes that dismissal; a missing one is not an error.
func (s *Store) UndismissUser(ctx context.Context, nsid, target string) error {
	return s.userDismissal(ctx, cypher.UndismissUser, nsid, target)
}

// PutToken stores a copy of sealed as nsid's credential (the user is created if unknown).
func (s *Store) PutToken(ctx context.Context, nsid string, sealed []byte) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if err := s.exec(ctx, cypher.PutToken, putTokenParams(nsid, sealed)); err != nil {
		return fmt.Errorf("neo4j: put token of %s: %w", nsid, err)
	}
	return nil
}

// DeleteToken deletes nsid's credential; a missing one is not an error.
func (s *Store) DeleteToken(ctx context.Context, nsid string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if err := s.exec(ctx, cypher.DeleteToken, nsidParams(nsid)); err != nil {
		return fmt.Errorf("neo4j: delete token of %s: %w", nsid, err)
	}
	return nil
}

// MarkVisit records a visit of nsid (created if unknown) at `at` and returns the previous one
// (the zero time if none), atomically.
func (s *Store) MarkVisit(ctx context.Context, nsid string, at time.Time) (time.Time, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return time.Time{}, err
	}
	prev, err := write(ctx, s, func(t tx) (time.Time, error) {
		recs, err := run(ctx, t, cypher.MarkVisit, markVisitParams(nsid, at))
		if err != nil || len(recs) == 0 {
			return time.Time{}, err
		}
		return timeOf(row{recs[0]}.get("previous")), nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("neo4j: mark visit of %s: %w", nsid, err)
	}
	return prev, nil
}
