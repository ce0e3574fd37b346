package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
)

// maxComment bounds a comment's length in characters.
const maxComment = 4000

// Flickr codes that mean the wanted state already holds.
const (
	codeAlreadyFaved = 3 // favorites.add: photo is already in favorites
	codeNotFaved     = 1 // favorites.remove: photo is not in favorites
)

func flickrCode(err error) int {
	var ae *flickr.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return -1
}

// actionTarget loads what every photo action needs, in this order: the photo (a store error,
// wrapped, when it is unknown) and the Flickr token of the logged-in user nsid.
func (s *Server) actionTarget(ctx context.Context, nsid, id string) (graph.Photo, flickr.Token, error) {
	photo, err := s.opts.Graph.Photo(ctx, id)
	if err != nil {
		return graph.Photo{}, flickr.Token{}, fmt.Errorf("server: photo %s: %w", id, err)
	}
	tok, err := s.userToken(ctx, nsid)
	if err != nil {
		return graph.Photo{}, flickr.Token{}, err
	}
	return photo, tok, nil
}

// fave is POST /api/v1/photos/{photo}/fave: fave on Flickr as the logged-in user, then (only
// if Flickr accepted it) record the fave and ask for a pull of the photo's owner.
func (s *Server) fave(c *fiber.Ctx) error {
	ss, err := requireLogin(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("photo")
	photo, tok, err := s.actionTarget(ctx, ss.NSID, id)
	if err != nil {
		return err
	}
	if err := s.opts.Flickr.AddFavorite(ctx, tok, id); err != nil && flickrCode(err) != codeAlreadyFaved {
		return fromFlickr(err)
	}
	now := s.opts.Now()
	batch := graph.FavesBatch{User: ss.NSID, At: now, Faves: []graph.Fave{{Photo: photo, FavedAt: now}}}
	if err := s.opts.Graph.AddFaves(ctx, batch); err != nil {
		return fmt.Errorf("server: record fave of %s by %s: %w", id, ss.NSID, err)
	}
	if err := s.opts.Pipeline.FaveAdded(ctx, ss.NSID, photo); err != nil {
		// The fave is done on Flickr and in the graph; the owner's pull waits for the scheduler.
		s.log.Warn("pull after fave not queued", "user_nsid", ss.NSID, "photo_id", id, "err", err.Error())
	}
	return c.JSON(faveJSON{PhotoID: id, Faved: true})
}

// unfave is DELETE /api/v1/photos/{photo}/fave.
func (s *Server) unfave(c *fiber.Ctx) error {
	ss, err := requireLogin(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("photo")
	_, tok, err := s.actionTarget(ctx, ss.NSID, id)
	if err != nil {
		return err
	}
	if err := s.opts.Flickr.RemoveFavorite(ctx, tok, id); err != nil && flickrCode(err) != codeNotFaved {
		return fromFlickr(err)
	}
	if err := s.opts.Graph.RemoveFave(ctx, ss.NSID, id); err != nil {
		return fmt.Errorf("server: remove fave of %s by %s: %w", id, ss.NSID, err)
	}
	return c.JSON(faveJSON{PhotoID: id, Faved: false})
}

type faveJSON struct {
	PhotoID string `json:"photo_id"`
	Faved   bool   `json:"faved"`
}

type commentRequest struct {
	Text string `json:"text" form:"text"`
}

type commentJSON struct {
	PhotoID   string `json:"photo_id"`
	CommentID string `json:"comment_id"`
}

// comment is POST /api/v1/photos/{photo}/comments with {"text": "..."} (or a form field text):
// 1 to maxComment characters of UTF-8 without NUL, else 400.
func (s *Server) comment(c *fiber.Ctx) error {
	ss, err := requireLogin(c)
	if err != nil {
		return err
	}
	// JSON decoding would turn invalid UTF-8 into U+FFFD: check the bytes as sent.
	if !utf8.Valid(c.Body()) {
		return invalidArgument("text", "must be UTF-8 text")
	}
	var req commentRequest
	if err := c.BodyParser(&req); err != nil {
		return invalidArgument("body", `expected {"text": "..."}`)
	}
	text := strings.TrimSpace(req.Text)
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return invalidArgument("text", "must be UTF-8 text without NUL characters")
	}
	if text == "" || utf8.RuneCountInString(text) > maxComment {
		return invalidArgument("text", fmt.Sprintf("must hold 1 to %d characters", maxComment))
	}
	ctx := c.UserContext()
	id := c.Params("photo")
	_, tok, err := s.actionTarget(ctx, ss.NSID, id)
	if err != nil {
		return err
	}
	cid, err := s.opts.Flickr.AddComment(ctx, tok, id, text)
	if err != nil {
		return fromFlickr(err)
	}
	return c.Status(http.StatusCreated).JSON(commentJSON{PhotoID: id, CommentID: cid})
}
