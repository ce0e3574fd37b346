package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
)

// userIn returns nsid's user in transaction t, or graph.ErrNotFound.
func userIn(ctx context.Context, t tx, nsid string) (graph.User, error) {
	recs, err := run(ctx, t, cypher.GetUser, nsidParams(nsid))
	if err != nil {
		return graph.User{}, err
	}
	if len(recs) == 0 {
		return graph.User{}, notFound("user", nsid, graph.ErrNotFound)
	}
	return decodeUser(row{recs[0]}.get("user")), nil
}

// User returns one user; graph.ErrNotFound if unknown.
func (s *Store) User(ctx context.Context, nsid string) (graph.User, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.User{}, err
	}
	return read(ctx, s, func(t tx) (graph.User, error) { return userIn(ctx, t, nsid) })
}

// Photo returns one stored photo; graph.ErrNotFound if unknown.
func (s *Store) Photo(ctx context.Context, id string) (graph.Photo, error) {
	if err := graph.CheckID("photo_id", id); err != nil {
		return graph.Photo{}, err
	}
	return read(ctx, s, func(t tx) (graph.Photo, error) {
		recs, err := run(ctx, t, cypher.GetPhoto, photoParams(id))
		if err != nil {
			return graph.Photo{}, fmt.Errorf("neo4j: photo %s: %w", id, err)
		}
		if len(recs) == 0 {
			return graph.Photo{}, notFound("photo", id, graph.ErrNotFound)
		}
		r := row{recs[0]}
		return decodePhoto(r.get("photo"), str(r.get("owner"))), nil
	})
}

// pullStateIn returns nsid's pull state; the zero value if the user is unknown.
func pullStateIn(ctx context.Context, t tx, nsid string) (graph.PullState, error) {
	recs, err := run(ctx, t, cypher.PullState, nsidParams(nsid))
	if err != nil || len(recs) == 0 {
		return graph.PullState{}, err
	}
	return decodePullState(row{recs[0]}), nil
}

// PullState returns nsid's pull bookkeeping; the zero value (and no error) if unknown.
func (s *Store) PullState(ctx context.Context, nsid string) (graph.PullState, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.PullState{}, err
	}
	ps, err := read(ctx, s, func(t tx) (graph.PullState, error) {
		return pullStateIn(ctx, t, nsid)
	})
	if err != nil {
		return graph.PullState{}, fmt.Errorf("neo4j: pull state of %s: %w", nsid, err)
	}
	return ps, nil
}

// DueForRefresh lists registered users whose last pull ended before olderThan: never pulled
// first, then oldest first, then by NSID; at most limit (at least 1).
func (s *Store) DueForRefresh(ctx context.Context, olderThan time.Time, limit int) ([]string, error) {
	if err := graph.CheckDueLimit(limit); err != nil {
		return nil, err
	}
	out, err := read(ctx, s, func(t tx) ([]string, error) {
		recs, err := run(ctx, t, cypher.DueForRefresh, dueForRefreshParams(olderThan, limit))
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, r := range recs {
			out = append(out, str(row{r}.get("nsid")))
		}
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j: due for refresh: %w", err)
	}
	return out, nil
}

// Summary describes nsid; graph.ErrNotFound if unknown.
func (s *Store) Summary(ctx context.Context, nsid string) (graph.Summary, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.Summary{}, err
	}
	return read(ctx, s, func(t tx) (graph.Summary, error) {
		recs, err := run(ctx, t, cypher.Summary, nsidParams(nsid))
		if err != nil {
			return graph.Summary{}, fmt.Errorf("neo4j: summary of %s: %w", nsid, err)
		}
		if len(recs) == 0 {
			return graph.Summary{}, notFound("user", nsid, graph.ErrNotFound)
		}
		ps, err := pullStateIn(ctx, t, nsid)
		if err != nil {
			return graph.Summary{}, fmt.Errorf("neo4j: summary of %s: %w", nsid, err)
		}
		r := row{recs[0]}
		return graph.Summary{
			User:       decodeUser(r.get("user")),
			Faves:      int(integer(r.get("faves"))),
			Neighbors:  int(integer(r.get("neighbors"))),
			Pulled:     int(integer(r.get("pulled"))),
			Contacts:   int(integer(r.get("contacts"))),
			Pull:       ps,
			Dismissals: int(integer(r.get("dismissals"))),
		}, nil
	})
}

// Neighbors lists nsid's neighbors in the given order, at most limit (1..graph.MaxLimit);
// graph.ErrNotFound if nsid is unknown.
func (s *Store) Neighbors(ctx context.Context, nsid string, o graph.NeighborOrder, limit int) ([]graph.Neighbor, error) {
	if err := graph.CheckNeighbors(nsid, o, limit); err != nil {
		return nil, err
	}
	return read(ctx, s, func(t tx) ([]graph.Neighbor, error) {
		if _, err := userIn(ctx, t, nsid); err != nil {
			return nil, err
		}
		recs, err := run(ctx, t, cypher.Neighbors, s.neighborsParams(nsid, o, limit))
		if err != nil {
			return nil, fmt.Errorf("neo4j: neighbors of %s: %w", nsid, err)
		}
		out := make([]graph.Neighbor, 0, len(recs))
		for _, rec := range recs {
			r := row{rec}
			out = append(out, graph.Neighbor{
				User:     decodeUser(r.get("user")),
				Taken:    int(integer(r.get("taken"))),
				Common:   int(integer(r.get("common"))),
				Total:    int(integer(r.get("total"))),
				Score:    float(r.get("score")),
				PulledAt: timeOf(r.get("pulled_at")),
			})
		}
		return out, nil
	})
}

// CommonFaves lists photos faved by both a and b, newest fave of a first, at most limit
// (1..graph.MaxLimit); graph.ErrNotFound if a or b is unknown.
func (s *Store) CommonFaves(ctx context.Context, a, b string, limit int) ([]graph.Photo, error) {
	if err := graph.CheckCommonFaves(a, b, limit); err != nil {
		return nil, err
	}
	return read(ctx, s, func(t tx) ([]graph.Photo, error) {
		for _, u := range []string{a, b} {
			if _, err := userIn(ctx, t, u); err != nil {
				return nil, err
			}
		}
		recs, err := run(ctx, t, cypher.CommonFaves, commonFavesParams(a, b, limit))
		if err != nil {
			return nil, fmt.Errorf("neo4j: common faves of %s and %s: %w", a, b, err)
		}
		out := make([]graph.Photo, 0, len(recs))
		for _, rec := range recs {
			r := row{rec}
			out = append(out, decodePhoto(r.get("photo"), str(r.get("owner"))))
		}
		return out, nil
	})
}

// Token returns nsid's stored credential; graph.ErrNotFound if there is none.
func (s *Store) Token(ctx context.Context, nsid string) ([]byte, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return nil, err
	}
	return read(ctx, s, func(t tx) ([]byte, error) {
		recs, err := run(ctx, t, cypher.GetToken, nsidParams(nsid))
		if err != nil {
			return nil, fmt.Errorf("neo4j: token of %s: %w", nsid, err)
		}
		if len(recs) == 0 {
			return nil, notFound("token of", nsid, graph.ErrNotFound)
		}
		b, _ := row{recs[0]}.get("sealed").([]byte)
		return b, nil
	})
}

// Stats counts users, stored photos, FAVED and FOLLOWS edges.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st, err := read(ctx, s, func(t tx) (graph.Stats, error) {
		recs, err := run(ctx, t, cypher.Stats, nil)
		if err != nil || len(recs) == 0 {
			return graph.Stats{}, err
		}
		r := row{recs[0]}
		return graph.Stats{
			Users:   int(integer(r.get("users"))),
			Photos:  int(integer(r.get("photos"))),
			Faves:   int(integer(r.get("faves"))),
			Follows: int(integer(r.get("follows"))),
		}, nil
	})
	if err != nil {
		return graph.Stats{}, fmt.Errorf("neo4j: stats: %w", err)
	}
	return st, nil
}
