package server

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/graph"
)

// photosPerNeighbor bounds the shared photos shown for one neighbor in the taste graph.
const photosPerNeighbor = 6

type tasteJSON struct {
	User      userJSON            `json:"user"`
	Neighbors []tasteNeighborJSON `json:"neighbors"`
}

type tasteNeighborJSON struct {
	User   userJSON    `json:"user"`
	Score  float64     `json:"score"`
	Common int         `json:"common"`
	Total  int         `json:"total"`
	Taken  int         `json:"taken"`
	Photos []photoJSON `json:"photos"` // faved by both, newest fave of the user first
}

// taste is GET /api/v1/users/{nsid}/taste: the user's strongest neighbors (by Flexplore score)
// and the photos each shares with them, the data of the taste-graph picture.
func (s *Server) taste(c *fiber.Ctx) error {
	limit, err := intParam(c, "limit", 12, 30)
	if err != nil {
		return err
	}
	out, err := s.tasteView(c.UserContext(), c.Params("nsid"), limit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// tasteView is nsid's strongest limit neighbors, with the photos each shares with nsid.
func (s *Server) tasteView(ctx context.Context, nsid string, limit int) (tasteJSON, error) {
	u, err := s.opts.Graph.User(ctx, nsid)
	if err != nil {
		return tasteJSON{}, fmt.Errorf("server: user %s: %w", nsid, err)
	}
	ns, err := s.opts.Graph.Neighbors(ctx, nsid, graph.ByScore, limit)
	if err != nil {
		return tasteJSON{}, fmt.Errorf("server: neighbors of %s: %w", nsid, err)
	}
	out := tasteJSON{User: s.userView(u), Neighbors: make([]tasteNeighborJSON, 0, len(ns))}
	for _, n := range ns {
		photos, err := s.opts.Graph.CommonFaves(ctx, nsid, n.User.NSID, photosPerNeighbor)
		if err != nil {
			return tasteJSON{}, fmt.Errorf("server: common faves of %s and %s: %w", nsid, n.User.NSID, err)
		}
		tn := tasteNeighborJSON{User: s.userView(n.User), Score: n.Score, Common: n.Common, Total: n.Total, Taken: n.Taken, Photos: make([]photoJSON, 0, len(photos))}
		for _, p := range photos {
			tn.Photos = append(tn.Photos, s.photoView(p))
		}
		out.Neighbors = append(out.Neighbors, tn)
	}
	return out, nil
}
