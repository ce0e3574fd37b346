package server

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/graph"
)

// similarJSON is GET /api/v1/photos/{photo}/similar: the photo itself and one page of the
// photos like it ("more like this").
type similarJSON struct {
	Photo      photoJSON      `json:"photo"`
	Owner      userJSON       `json:"owner"`
	Items      []photoRecJSON `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// similarPhotos is GET /api/v1/photos/{photo}/similar?limit=&why=&cursor=: photos ranked from
// this one by the walk photo -> its favers -> their faves (graph.Store.SimilarPhotos). The
// viewer is the logged-in member: their faves, own photos and dismissed photos are left out,
// and the reasons count faves in common with them. Without a login only the photo itself is
// left out.
func (s *Server) similarPhotos(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := c.Params("photo")
	var opts graph.RecOptions
	var err error
	if opts.Limit, err = intParam(c, "limit", 24, graph.MaxLimit); err != nil {
		return err
	}
	if opts.Why, err = intParam(c, "why", 3, 20); err != nil {
		return err
	}
	if raw := c.Query("cursor"); raw != "" {
		cur, err := decodeCursor(raw)
		if err != nil {
			return err
		}
		opts.Cursor = cur.Graph
	}
	photo, err := s.opts.Graph.Photo(ctx, id)
	if err != nil {
		return fmt.Errorf("server: photo %s: %w", id, err)
	}
	owner, err := s.opts.Graph.User(ctx, photo.Owner)
	if err != nil {
		return fmt.Errorf("server: owner %s of photo %s: %w", photo.Owner, id, err)
	}
	viewer := ""
	if ss := sess(c); ss.loggedIn() {
		viewer = ss.NSID
	}
	page, err := s.opts.Graph.SimilarPhotos(ctx, id, viewer, opts)
	if err != nil {
		return fmt.Errorf("server: photos like %s for %q: %w", id, viewer, err)
	}
	out := similarJSON{Photo: s.photoView(photo), Owner: s.userView(owner), Items: make([]photoRecJSON, 0, len(page.Items)),
		NextCursor: encodeCursor(page.NextCursor, time.Time{})}
	for _, r := range page.Items {
		o := s.userView(r.Owner)
		out.Items = append(out.Items, photoRecJSON{Photo: s.photoView(r.Photo), Owner: o, Score: r.Score, Reasons: s.reasonsView(r.Reasons, o, you)})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// commonJSON is GET /api/v1/users/{nsid}/common/{other}.
type commonJSON struct {
	User   userJSON    `json:"user"`
	Photos []photoJSON `json:"photos"`
}

// commonFaves is GET /api/v1/users/{nsid}/common/{other}?limit=: photos both faved, newest fave
// of nsid first; the thumbnails beside a name in "why this photo".
func (s *Server) commonFaves(c *fiber.Ctx) error {
	ctx := c.UserContext()
	nsid, other := c.Params("nsid"), c.Params("other")
	limit, err := intParam(c, "limit", 4, 30)
	if err != nil {
		return err
	}
	u, err := s.opts.Graph.User(ctx, other)
	if err != nil {
		return fmt.Errorf("server: user %s: %w", other, err)
	}
	photos, err := s.opts.Graph.CommonFaves(ctx, nsid, other, limit)
	if err != nil {
		return fmt.Errorf("server: common faves of %s and %s: %w", nsid, other, err)
	}
	out := commonJSON{User: s.userView(u), Photos: make([]photoJSON, 0, len(photos))}
	for _, p := range photos {
		out.Photos = append(out.Photos, s.photoView(p))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
