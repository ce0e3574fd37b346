package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/photorec/photorec/graph"
)

func (s *Store) log1(ctx context.Context, rec []byte) (result, error) {
	w := &write{rec: rec, reply: make(chan struct{})}
	if err := s.submit(ctx, w); err != nil {
		return result{}, err
	}
	return w.res, nil
}

// UpsertUsers merges users by NSID; empty fields never overwrite known values.
func (s *Store) UpsertUsers(ctx context.Context, users []graph.User) error {
	if err := graph.CheckUsers(users); err != nil {
		return err
	}
	if len(users) == 0 {
		return nil
	}
	if _, err := s.log1(ctx, encodeUpsertUsers(users)); err != nil {
		return fmt.Errorf("embedded: upsert users: %w", err)
	}
	return nil
}

// AddFaves merges one batch (idempotent). A zero b.At means now. FavedAt is kept to the second
// and must lie in 1970..2106 (or be zero: unknown).
func (s *Store) AddFaves(ctx context.Context, b graph.FavesBatch) error {
	if err := graph.CheckFavesBatch(b); err != nil {
		return err
	}
	at := b.At
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.log1(ctx, encodeAddFaves(b, at.UnixNano())); err != nil {
		return fmt.Errorf("embedded: add faves of %s: %w", b.User, err)
	}
	return nil
}

// AddPhotos merges photos and their TOOK edges without FAVED edges (a zero At means now).
func (s *Store) AddPhotos(ctx context.Context, b graph.PhotosBatch) error {
	if err := graph.CheckPhotosBatch(b); err != nil {
		return err
	}
	at := b.At
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.log1(ctx, encodeAddPhotos(b, at.UnixNano())); err != nil {
		return fmt.Errorf("embedded: add photos of %s: %w", b.Owner, err)
	}
	return nil
}

// RemoveFave deletes one FAVED edge; a missing edge or user is not an error.
func (s *Store) RemoveFave(ctx context.Context, user, photoID string) error {
	if err := graph.CheckUserPhoto(user, photoID); err != nil {
		return err
	}
	if _, err := s.log1(ctx, encodePair(recRemoveFave, user, photoID)); err != nil {
		return fmt.Errorf("embedded: remove fave %s of %s: %w", photoID, user, err)
	}
	return nil
}

// FinishPull records the end of a pull (a zero At means now); see graph.PullDone.
func (s *Store) FinishPull(ctx context.Context, p graph.PullDone) error {
	if err := graph.CheckPullDone(p); err != nil {
		return err
	}
	at := p.At
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.log1(ctx, encodeFinishPull(p, at.UnixNano())); err != nil {
		return fmt.Errorf("embedded: finish pull of %s: %w", p.User, err)
	}
	s.landed(p.User)
	return nil
}

// Register marks nsid as kept fresh by the scheduler, creating the user if needed.
func (s *Store) Register(ctx context.Context, nsid string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	e := enc{}
	e.byte1(recRegister)
	e.str(nsid)
	if _, err := s.log1(ctx, e.b); err != nil {
		return fmt.Errorf("embedded: register %s: %w", nsid, err)
	}
	return nil
}

// SetContacts replaces the FOLLOWS edges of nsid, merging the contacts as users.
func (s *Store) SetContacts(ctx context.Context, nsid string, contacts []graph.User) error {
	if err := graph.CheckContacts(nsid, contacts); err != nil {
		return err
	}
	if _, err := s.log1(ctx, encodeSetContacts(nsid, contacts)); err != nil {
		return fmt.Errorf("embedded: set contacts of %s: %w", nsid, err)
	}
	return nil
}

func (s *Store) pair(ctx context.Context, typ byte, what, nsid, field, id string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if err := graph.CheckID(field, id); err != nil {
		return err
	}
	if _, err := s.log1(ctx, encodePair(typ, nsid, id)); err != nil {
		return fmt.Errorf("embedded: %s %s for %s: %w", what, id, nsid, err)
	}
	return nil
}

// DismissPhoto hides photoID from nsid's recommendations and lowers the scores of the neighbors
// who faved it (see graph.NeighborScore). Idempotent; the photo need not be known yet.
func (s *Store) DismissPhoto(ctx context.Context, nsid, photoID string) error {
	return s.pair(ctx, recDismissPhoto, "dismiss photo", nsid, "photo_id", photoID)
}

// UndismissPhoto reverts DismissPhoto. Idempotent.
func (s *Store) UndismissPhoto(ctx context.Context, nsid, photoID string) error {
	return s.pair(ctx, recUndismissPhoto, "undismiss photo", nsid, "photo_id", photoID)
}

// DismissUser hides target from nsid's user recommendations and target's photos from nsid's
// photo recommendations. Idempotent.
func (s *Store) DismissUser(ctx context.Context, nsid, target string) error {
	return s.pair(ctx, recDismissUser, "dismiss user", nsid, "nsid", target)
}

// UndismissUser reverts DismissUser. Idempotent.
func (s *Store) UndismissUser(ctx context.Context, nsid, target string) error {
	return s.pair(ctx, recUndismissUser, "undismiss user", nsid, "nsid", target)
}

// PutToken stores nsid's sealed credential (a copy), creating the user if needed.
func (s *Store) PutToken(ctx context.Context, nsid string, sealed []byte) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	if sealed == nil {
		sealed = []byte{}
	}
	if _, err := s.log1(ctx, encodeToken(nsid, sealed)); err != nil {
		return fmt.Errorf("embedded: put token of %s: %w", nsid, err)
	}
	return nil
}

// DeleteToken forgets nsid's credential. Idempotent.
func (s *Store) DeleteToken(ctx context.Context, nsid string) error {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return err
	}
	e := enc{}
	e.byte1(recDeleteToken)
	e.str(nsid)
	if _, err := s.log1(ctx, e.b); err != nil {
		return fmt.Errorf("embedded: delete token of %s: %w", nsid, err)
	}
	return nil
}

// MarkVisit records a visit at `at` and returns the previous one (zero if none).
func (s *Store) MarkVisit(ctx context.Context, nsid string, at time.Time) (time.Time, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return time.Time{}, err
	}
	res, err := s.log1(ctx, encodeMarkVisit(nsid, nanos(at)))
	if err != nil {
		return time.Time{}, fmt.Errorf("embedded: mark visit of %s: %w", nsid, err)
	}
	return fromNanos(res.prevVisit), nil
}
