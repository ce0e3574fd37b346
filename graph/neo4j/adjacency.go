package neo4j

import (
	"context"

	"github.com/photorec/photorec/cypher"
)

// neo4jAdjacency loads hoods with the rank_* statements, each call one read transaction.
type neo4jAdjacency struct{ s *Store }

// refs decodes a list of [id, owner, faves] (owner given: [id, faves]) lists.
func refs(v any, withOwner bool) []photoRef {
	list, _ := v.([]any)
	out := make([]photoRef, 0, len(list))
	for _, item := range list {
		f, _ := item.([]any)
		switch {
		case withOwner && len(f) == 3:
			out = append(out, photoRef{id: str(f[0]), owner: str(f[1]), degree: int(integer(f[2]))})
		case !withOwner && len(f) == 2:
			out = append(out, photoRef{id: str(f[0]), degree: int(integer(f[1]))})
		}
	}
	return out
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, str(x))
	}
	return out
}

func (a neo4jAdjacency) member(ctx context.Context, nsid string) (memberAdjacency, error) {
	return read(ctx, a.s, func(t tx) (memberAdjacency, error) {
		recs, err := run(ctx, t, cypher.RankMember, nsidParams(nsid))
		if err != nil || len(recs) == 0 {
			return memberAdjacency{}, err
		}
		r := row{recs[0]}
		return memberAdjacency{
			dismissedPhotos: refs(r.get("dismissed_photos"), true),
			dismissedUsers:  strs(r.get("dismissed_users")),
			contacts:        strs(r.get("contacts")),
			followers:       strs(r.get("followers")),
		}, nil
	})
}

// lists runs a statement whose records are (nsid, photos) and returns the photos by NSID.
func (a neo4jAdjacency) lists(ctx context.Context, st cypher.Statement, users []string, withOwner bool) (map[string][]photoRef, error) {
	return read(ctx, a.s, func(t tx) (map[string][]photoRef, error) {
		recs, err := run(ctx, t, st, map[string]any{"users": anys(users)})
		if err != nil {
			return nil, err
		}
		out := make(map[string][]photoRef, len(recs))
		for _, rec := range recs {
			r := row{rec}
			out[str(r.get("nsid"))] = refs(r.get("photos"), withOwner)
		}
		return out, nil
	})
}

func (a neo4jAdjacency) faves(ctx context.Context, users []string) (map[string][]photoRef, error) {
	return a.lists(ctx, cypher.RankFaves, users, true)
}

func (a neo4jAdjacency) cofaverFaves(ctx context.Context, users []string) (map[string][]photoRef, error) {
	return a.lists(ctx, cypher.RankCofaverFaves, users, true)
}

func (a neo4jAdjacency) took(ctx context.Context, users []string) (map[string][]photoRef, error) {
	return a.lists(ctx, cypher.RankTook, users, false)
}

func (a neo4jAdjacency) favers(ctx context.Context, photos []string) (map[string][]faver, error) {
	return read(ctx, a.s, func(t tx) (map[string][]faver, error) {
		recs, err := run(ctx, t, cypher.RankFavers, map[string]any{"photos": anys(photos)})
		out := make(map[string][]faver, len(recs))
		for _, rec := range recs {
			r := row{rec}
			list, _ := r.get("favers").([]any)
			fs := make([]faver, 0, len(list))
			for _, item := range list {
				if f, _ := item.([]any); len(f) == 2 {
					fs = append(fs, faver{nsid: str(f[0]), faves: int(integer(f[1]))})
				}
			}
			out[str(r.get("id"))] = fs
		}
		return out, err
	})
}
