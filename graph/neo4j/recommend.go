package neo4j

import (
	"context"
	"fmt"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// RecommendPhotos returns one page of nsid's photo ranking under opts.Algorithm (the Store's
// default when ""): score desc, then photo ID, keyset-paged with graph cursors.
// graph.ErrNotFound if nsid is unknown; *graph.ArgumentError for bad options or cursor.
func (s *Store) RecommendPhotos(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.PhotoPage{}, err
	}
	opts, cur, err := graph.NormalizeRecOptions(opts, graph.PhotoCursor, s.def)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	if storedAlgorithm(opts.Algorithm) {
		page, ok, err := s.storedPage(ctx, nsid, opts, cur)
		if err != nil {
			return graph.PhotoPage{}, fmt.Errorf("neo4j: %s photos for %s: %w", opts.Algorithm, nsid, err)
		}
		if ok {
			return page, nil
		}
		opts.Algorithm = graph.Flexplore // no stored ranking yet: Flexplore live meanwhile
	}
	st, params := cypher.RecommendPhotosFlexplore, s.flexplorePhotosParams(nsid, opts, cur)
	if opts.Algorithm == graph.Popularity {
		st, params = cypher.RecommendPhotosPopularity, popularityPhotosParams(nsid, opts, cur)
	}
	page, err := read(ctx, s, func(t tx) (graph.PhotoPage, error) {
		if _, err := userIn(ctx, t, nsid); err != nil {
			return graph.PhotoPage{}, err
		}
		recs, err := run(ctx, t, st, params)
		if err != nil {
			return graph.PhotoPage{}, err
		}
		var page graph.PhotoPage
		for _, rec := range recs {
			r := row{rec}
			owner := decodeUser(r.get("owner"))
			page.Items = append(page.Items, graph.PhotoRec{
				Photo:   decodePhoto(r.get("photo"), owner.NSID),
				Owner:   owner,
				Score:   float(r.get("score")),
				Reasons: neighborReasons(r.get("why")),
			})
		}
		cutPage(&page, opts.Limit)
		return page, nil
	})
	if err != nil {
		return graph.PhotoPage{}, fmt.Errorf("neo4j: %s photos for %s: %w", opts.Algorithm, nsid, err)
	}
	return page, nil
}

// RecommendUsers returns one page of nsid's photographer ranking (Flexplore neighbor scores
// under every algorithm): score desc, then NSID, keyset-paged with graph cursors.
// graph.ErrNotFound if nsid is unknown; *graph.ArgumentError for bad options or cursor.
func (s *Store) RecommendUsers(ctx context.Context, nsid string, opts graph.RecOptions) (graph.UserPage, error) {
	if err := graph.CheckID("nsid", nsid); err != nil {
		return graph.UserPage{}, err
	}
	opts, cur, err := graph.NormalizeRecOptions(opts, graph.UserCursor, s.def)
	if err != nil {
		return graph.UserPage{}, err
	}
	page, err := read(ctx, s, func(t tx) (graph.UserPage, error) {
		if _, err := userIn(ctx, t, nsid); err != nil {
			return graph.UserPage{}, err
		}
		recs, err := run(ctx, t, cypher.RecommendUsers, s.usersParams(nsid, opts, cur))
		if err != nil {
			return graph.UserPage{}, err
		}
		var page graph.UserPage
		for _, rec := range recs {
			r := row{rec}
			page.Items = append(page.Items, graph.UserRec{
				User:   decodeUser(r.get("user")),
				Score:  float(r.get("score")),
				Common: int(integer(r.get("common"))),
				Total:  int(integer(r.get("total"))),
			})
		}
		if len(page.Items) > opts.Limit {
			page.Items = page.Items[:opts.Limit]
			last := page.Items[opts.Limit-1]
			page.NextCursor = graph.EncodeCursor(graph.Cursor{Kind: graph.UserCursor, Score: last.Score, ID: last.User.NSID})
		}
		return page, nil
	})
	if err != nil {
		return graph.UserPage{}, fmt.Errorf("neo4j: users for %s: %w", nsid, err)
	}
	return page, nil
}

// neighborReasons turns a statement's why column (neighbors who faved the photo, at most $why)
// into the photo's reasons.
func neighborReasons(v any) []graph.Reason {
	why := decodeWhy(v)
	if len(why) == 0 {
		return nil
	}
	return []graph.Reason{{Kind: graph.ReasonNeighbors, Count: len(why), Users: why}}
}

// SimilarPhotos ranks photos like photoID for viewer ("" for none) with package rank over a hood
// loaded for the request: the seed's favers and all their faves, and the viewer's faves and
// dismissals (rank_favers, rank_faves, rank_member: deg(seed) + the favers' faves rows, at most
// 200 favers per read). Keyset paging as RecommendPhotos. graph.ErrNotFound if the photo, or a
// non-empty viewer, is unknown.
func (s *Store) SimilarPhotos(ctx context.Context, photoID, viewer string, opts graph.RecOptions) (graph.PhotoPage, error) {
	opts, cur, err := graph.NormalizeSimilarOptions(photoID, viewer, opts)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	seed, err := s.Photo(ctx, photoID)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	if viewer != "" {
		if _, err := s.User(ctx, viewer); err != nil {
			return graph.PhotoPage{}, err
		}
	}
	page, err := s.similar(ctx, seed, viewer, opts, cur)
	if err != nil {
		return graph.PhotoPage{}, fmt.Errorf("neo4j: photos like %s for %q: %w", photoID, viewer, err)
	}
	return page, nil
}

func (s *Store) similar(ctx context.Context, seed graph.Photo, viewer string, opts graph.RecOptions, cur *graph.Cursor) (graph.PhotoPage, error) {
	h, sp, v, err := loadSimilar(ctx, neo4jAdjacency{s}, photoRef{id: seed.ID, owner: seed.Owner}, viewer)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	res := s.ranker.Similar(h, sp, rank.Query{User: v, Limit: opts.Limit + 1, Cursor: cur, Why: opts.Why})
	people, err := s.people(ctx, h, res.Items)
	if err != nil {
		return graph.PhotoPage{}, err
	}
	ids := make([]any, len(res.Items))
	for i, it := range res.Items {
		ids[i] = h.PhotoID(it.Photo)
	}
	type shown struct {
		photo graph.Photo
		owner graph.User
	}
	byID, err := read(ctx, s, func(t tx) (map[string]shown, error) {
		recs, err := run(ctx, t, cypher.PagePhotos, map[string]any{"ids": ids})
		out := map[string]shown{}
		for _, rec := range recs {
			r := row{rec}
			o := decodeUser(r.get("owner"))
			p := decodePhoto(r.get("photo"), o.NSID)
			out[p.ID] = shown{p, o}
		}
		return out, err
	})
	if err != nil {
		return graph.PhotoPage{}, err
	}
	var page graph.PhotoPage
	for _, it := range res.Items {
		sh := byID[h.PhotoID(it.Photo)]
		page.Items = append(page.Items, graph.PhotoRec{Photo: sh.photo, Owner: sh.owner, Score: it.Score, Reasons: reasonsOf(h, people, it.Reasons)})
	}
	cutPage(&page, opts.Limit)
	return page, nil
}
