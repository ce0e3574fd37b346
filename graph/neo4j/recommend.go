package neo4j

import (
	"context"
	"fmt"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
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
	if !cypherRanked(opts.Algorithm) {
		return graph.PhotoPage{}, &graph.ArgumentError{Field: "algorithm", Reason: "not served by the neo4j backend yet"}
	}
	var st cypher.Statement
	var params map[string]any
	switch opts.Algorithm {
	case graph.Popularity:
		st, params = cypher.RecommendPhotosPopularity, popularityPhotosParams(nsid, opts, cur)
	case graph.ItemKNN:
		st, params = cypher.RecommendPhotosItemknn, s.walkPhotosParams(opts.Algorithm, nsid, opts, cur)
	case graph.RP3Beta:
		st, params = cypher.RecommendPhotosRp3beta, s.walkPhotosParams(opts.Algorithm, nsid, opts, cur)
	case graph.Blend:
		st, params = cypher.RecommendPhotosBlend, s.walkPhotosParams(opts.Algorithm, nsid, opts, cur)
	default:
		st, params = cypher.RecommendPhotosFlexplore, s.flexplorePhotosParams(nsid, opts, cur)
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
		if len(page.Items) > opts.Limit {
			page.Items = page.Items[:opts.Limit]
			last := page.Items[opts.Limit-1]
			page.NextCursor = graph.EncodeCursor(graph.Cursor{Kind: graph.PhotoCursor, Score: last.Score, ID: last.Photo.ID})
		}
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

// cypherRanked reports whether a statement of package cypher ranks with algo.
func cypherRanked(algo graph.Algorithm) bool {
	switch algo {
	case graph.Flexplore, graph.Popularity, graph.ItemKNN, graph.RP3Beta, graph.Blend:
		return true
	}
	return false
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

// SimilarPhotos is not served by the neo4j backend yet: every call is an *graph.ArgumentError.
func (s *Store) SimilarPhotos(ctx context.Context, photoID, viewer string, opts graph.RecOptions) (graph.PhotoPage, error) {
	return graph.PhotoPage{}, &graph.ArgumentError{Field: "photo_id", Reason: "more like this is not served by the neo4j backend yet"}
}
