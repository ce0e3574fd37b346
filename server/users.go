package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// maxLookupInput bounds the text of a user lookup.
const maxLookupInput = 300

// lookup resolves a Flickr URL, NSID or username to a user, and stores what Flickr says of them.
func (s *Server) lookup(ctx context.Context, input string) (graph.User, error) {
	input = strings.TrimSpace(input)
	if input == "" || len(input) > maxLookupInput {
		return graph.User{}, invalidArgument("q", "enter a Flickr URL, an NSID or a username")
	}
	ref, err := s.opts.Flickr.LookupUser(ctx, input)
	if err != nil {
		return graph.User{}, fromFlickr(err)
	}
	p, err := s.opts.Flickr.PersonInfo(ctx, ref.NSID)
	if err != nil {
		return graph.User{}, fromFlickr(err)
	}
	u := graph.User{NSID: p.NSID, Username: p.Username, Realname: p.Realname, IconURL: p.IconURL}
	if u.NSID == "" {
		u.NSID = ref.NSID
	}
	if u.Username == "" {
		u.Username = ref.Username
	}
	if err := s.opts.Graph.UpsertUsers(ctx, []graph.User{u}); err != nil {
		return graph.User{}, fmt.Errorf("server: save user %s: %w", u.NSID, err)
	}
	return u, nil
}

// lookupUser is GET /api/v1/users/lookup?q=: the member, stored, and pulled if stale
// (pullIfStale).
func (s *Server) lookupUser(c *fiber.Ctx) error {
	u, err := s.lookup(c.UserContext(), c.Query("q"))
	if err != nil {
		return err
	}
	if _, _, err := s.pullIfStale(c.UserContext(), u.NSID); err != nil {
		// The lookup itself worked; their page says the pull has not started.
		s.log.Warn("pull after lookup not started", "user_nsid", u.NSID, "err", err.Error())
	}
	return c.JSON(lookupJSON{User: s.userView(u)})
}

type lookupJSON struct {
	User userJSON `json:"user"`
}

// summaryJSON is GET /api/v1/users/{nsid}.
type summaryJSON struct {
	User           userJSON     `json:"user"`
	Faves          int          `json:"faves"`
	Neighbors      int          `json:"neighbors"`
	Pulled         int          `json:"pulled"`
	Contacts       int          `json:"contacts"`
	Dismissals     int          `json:"dismissals"`
	LastPullAt     time.Time    `json:"last_pull_at,omitzero"`
	LastFullPullAt time.Time    `json:"last_full_pull_at,omitzero"`
	Registered     bool         `json:"registered"`
	GettingStarted bool         `json:"getting_started"`
	ViewerIsOwner  bool         `json:"viewer_is_owner"`
	Progress       progressJSON `json:"progress"`
}

func (s *Server) summary(ctx context.Context, c *fiber.Ctx, nsid string) (summaryJSON, error) {
	sum, err := s.opts.Graph.Summary(ctx, nsid)
	if err != nil {
		return summaryJSON{}, fmt.Errorf("server: summary of %s: %w", nsid, err)
	}
	prog, err := s.opts.Pipeline.Progress(ctx, nsid)
	if err != nil {
		return summaryJSON{}, fmt.Errorf("server: progress of %s: %w", nsid, err)
	}
	return summaryJSON{
		User:           s.userView(sum.User),
		Faves:          sum.Faves,
		Neighbors:      sum.Neighbors,
		Pulled:         sum.Pulled,
		Contacts:       sum.Contacts,
		Dismissals:     sum.Dismissals,
		LastPullAt:     sum.Pull.LastPullAt,
		LastFullPullAt: sum.Pull.LastFullPullAt,
		Registered:     sum.Pull.Registered,
		GettingStarted: gettingStarted(sum),
		ViewerIsOwner:  sess(c).NSID == nsid,
		Progress:       progressView(prog),
	}, nil
}

// userSummary is GET /api/v1/users/{nsid}.
func (s *Server) userSummary(c *fiber.Ctx) error {
	out, err := s.summary(c.UserContext(), c, c.Params("nsid"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// userProgress is GET /api/v1/users/{nsid}/progress.
func (s *Server) userProgress(c *fiber.Ctx) error {
	nsid := c.Params("nsid")
	if _, err := s.opts.Graph.User(c.UserContext(), nsid); err != nil {
		return fmt.Errorf("server: user %s: %w", nsid, err)
	}
	p, err := s.opts.Pipeline.Progress(c.UserContext(), nsid)
	if err != nil {
		return fmt.Errorf("server: progress of %s: %w", nsid, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(progressView(p))
}

// refreshUser is POST /api/v1/users/{nsid}/refresh. The owner may always refresh; anyone else
// only starts (or joins) a pull of a member never pulled, or pulled longer than
// Options.ViewFresh ago, and never registers them for scheduled refreshes.
func (s *Server) refreshUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	nsid := c.Params("nsid")
	if _, err := s.opts.Graph.User(ctx, nsid); err != nil {
		return fmt.Errorf("server: user %s: %w", nsid, err)
	}
	if sess(c).NSID != nsid {
		p, started, err := s.pullIfStale(ctx, nsid)
		if err != nil {
			return err
		}
		if !started && p.State != runs.StateRunning {
			return &apiError{Status: http.StatusForbidden, Code: codeForbidden, Message: "only the owner can refresh a member pulled this recently"}
		}
		return c.Status(http.StatusAccepted).JSON(progressView(p))
	}
	// The owner is logged in, hence registered at login; registering again keeps members who
	// logged in before registration was recorded.
	if err := s.opts.Graph.Register(ctx, nsid); err != nil {
		return fmt.Errorf("server: register %s: %w", nsid, err)
	}
	p, err := s.opts.Pipeline.Refresh(ctx, nsid, runs.ReasonManual)
	if err != nil {
		return fmt.Errorf("server: refresh %s: %w", nsid, err)
	}
	return c.Status(http.StatusAccepted).JSON(progressView(p))
}

// pullIfStale starts a pull of nsid, whom someone browses (their page, /browse, a lookup), when
// no run is working on them and they were never pulled or their last pull is older than
// Options.ViewFresh. It never registers nsid for scheduled refreshes: only logging in does. It
// returns nsid's progress and whether it started a pull.
func (s *Server) pullIfStale(ctx context.Context, nsid string) (runs.Progress, bool, error) {
	p, err := s.opts.Pipeline.Progress(ctx, nsid)
	if err != nil {
		return runs.Progress{}, false, fmt.Errorf("server: progress of %s: %w", nsid, err)
	}
	if p.State == runs.StateRunning {
		return p, false, nil
	}
	st, err := s.opts.Graph.PullState(ctx, nsid)
	if err != nil {
		return runs.Progress{}, false, fmt.Errorf("server: pull state of %s: %w", nsid, err)
	}
	if !st.LastPullAt.IsZero() && s.opts.Now().Sub(st.LastPullAt) < s.opts.ViewFresh {
		return p, false, nil
	}
	p, err = s.opts.Pipeline.Refresh(ctx, nsid, runs.ReasonView)
	if err != nil {
		return runs.Progress{}, false, fmt.Errorf("server: refresh %s: %w", nsid, err)
	}
	return p, true, nil
}
