package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/graph"
)

// pageCursor is the API's opaque cursor: the graph's cursor plus the visit time that decides
// which photos are "new", so every page of one listing agrees on it.
type pageCursor struct {
	Graph string `json:"g"`
	Since int64  `json:"s,omitempty"` // unix nanoseconds; 0 when nothing is new
}

func encodeCursor(graphCursor string, since time.Time) string {
	if graphCursor == "" {
		return ""
	}
	pc := pageCursor{Graph: graphCursor}
	if !since.IsZero() {
		pc.Since = since.UnixNano()
	}
	b, _ := json.Marshal(pc)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (pageCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageCursor{}, invalidArgument("cursor", "not a cursor from this API")
	}
	var pc pageCursor
	if err := json.Unmarshal(raw, &pc); err != nil || pc.Graph == "" {
		return pageCursor{}, invalidArgument("cursor", "not a cursor from this API")
	}
	return pc, nil
}

// intParam reads an integer query parameter in [1, hi]; def when absent.
func intParam(c *fiber.Ctx, name string, def, hi int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > hi {
		return 0, invalidArgument(name, fmt.Sprintf("must be an integer from 1 to %d", hi))
	}
	return n, nil
}

// algorithmParam reads the algorithm query parameter: a name of graph.AlgorithmList, or
// Options.Algorithm when absent; anything else is an invalid_argument error.
func (s *Server) algorithmParam(c *fiber.Ctx) (graph.Algorithm, error) {
	a := graph.Algorithm(c.Query("algorithm"))
	if a == "" {
		return s.opts.Algorithm, nil
	}
	if _, ok := graph.LookupAlgorithm(a); ok {
		return a, nil
	}
	names := make([]string, 0, len(graph.AlgorithmList))
	for _, n := range graph.AlgorithmNames() {
		names = append(names, string(n))
	}
	return "", invalidArgument("algorithm", "must be one of "+strings.Join(names, ", "))
}

// photoRecJSON is one recommended photo.
type photoRecJSON struct {
	Photo   photoJSON    `json:"photo"`
	Owner   userJSON     `json:"owner"`
	Score   float64      `json:"score"`
	Reasons []reasonJSON `json:"reasons"`
	New     bool         `json:"new"`
}

// reasonJSON is one graph.Reason: its kind, its number, the sentence people read (reasonText)
// and the people it names.
type reasonJSON struct {
	Kind  graph.ReasonKind   `json:"kind"`
	Count int                `json:"count"`
	Text  string             `json:"text"`
	Users []contributionJSON `json:"users"`
}

type contributionJSON struct {
	User   userJSON `json:"user"`
	Score  float64  `json:"score"`
	Common int      `json:"common"`
}

type photoPageJSON struct {
	Algorithm  graph.Algorithm `json:"algorithm"`
	Items      []photoRecJSON  `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
	Since      time.Time       `json:"since,omitzero"`
}

// recParams parses the query parameters shared by the photo and people listings, in this order:
// limit (default graph.DefaultLimit, at most graph.MaxLimit), why (1..20, default 3; only when
// withWhy), algorithm and cursor. The options carry the graph cursor of the decoded page cursor.
func (s *Server) recParams(c *fiber.Ctx, withWhy bool) (graph.RecOptions, pageCursor, error) {
	var opts graph.RecOptions
	var cur pageCursor
	var err error
	if opts.Limit, err = intParam(c, "limit", graph.DefaultLimit, graph.MaxLimit); err != nil {
		return opts, cur, err
	}
	if withWhy {
		if opts.Why, err = intParam(c, "why", 3, 20); err != nil {
			return opts, cur, err
		}
	}
	if opts.Algorithm, err = s.algorithmParam(c); err != nil {
		return opts, cur, err
	}
	if raw := c.Query("cursor"); raw != "" {
		if cur, err = decodeCursor(raw); err != nil {
			return opts, cur, err
		}
	}
	opts.Cursor = cur.Graph
	return opts, cur, nil
}

// recommendPhotos is GET /api/v1/users/{nsid}/recommendations/photos. Photos the store added
// after the owner's previous visit are flagged new; the first page the owner loads (without
// since or cursor) records the visit. The owner's own view is always the graph's strict page
// (RecommendPhotos). Anyone else's view has no visit time in play: when the store keeps page
// versions (pagecache.go), it gets the viewer page (RecommendPhotosVersion), sent from the
// JSON kept for its version.
func (s *Server) recommendPhotos(c *fiber.Ctx) error {
	ctx := c.UserContext()
	nsid := c.Params("nsid")
	opts, cur, err := s.recParams(c, true)
	if err != nil {
		return err
	}
	alg := opts.Algorithm
	var since time.Time
	switch {
	case cur.Graph != "":
		if cur.Since != 0 {
			since = time.Unix(0, cur.Since)
		}
	case c.Query("since") != "":
		if since, err = time.Parse(time.RFC3339Nano, c.Query("since")); err != nil {
			return invalidArgument("since", "must be an RFC 3339 time")
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	self := sess(c).NSID == nsid
	visit := cur.Graph == "" && c.Query("since") == "" && self && alg != graph.Popularity
	pv, keep := s.opts.Graph.(pageVersions)
	keep = keep && s.pageJSON.on() && !self && since.IsZero()
	key := jsonKey{nsid: nsid, algo: alg, limit: opts.Limit, why: opts.Why, cursor: opts.Cursor}
	if keep {
		if v, ok := pv.PhotoPageVersion(ctx, nsid, opts); ok {
			if body, ok := s.pageJSON.get(key, v); ok {
				c.Response().SetBodyRaw(body)
				c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
				return nil
			}
		}
	}
	var page graph.PhotoPage
	var version uint64
	if keep {
		page, version, err = pv.RecommendPhotosVersion(ctx, nsid, opts)
	} else {
		page, err = s.opts.Graph.RecommendPhotos(ctx, nsid, opts)
	}
	if err != nil {
		return fmt.Errorf("server: photo recommendations of %s: %w", nsid, err)
	}
	out, err := s.photoPageView(ctx, nsid, alg, page, since, visit, self)
	if err != nil {
		return err
	}
	if version != 0 {
		if body, ok := appendPhotoPage(make([]byte, 0, 1024*len(out.Items)+64), &out); ok {
			s.pageJSON.put(key, version, body)
			c.Response().SetBodyRaw(body)
			c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
			return nil
		}
	}
	return sendPhotoPage(c, &out) // c.JSON(out), without reflection (pagejson.go)
}

// photoPageView is the JSON of one page of nsid's photo recommendations ranked by alg. With
// visit, it records the owner's visit first, and photos added since the previous one are new;
// otherwise photos added after since (zero: none) are. self says the reader is nsid (the
// reasons say "you"); else they name nsid.
func (s *Server) photoPageView(ctx context.Context, nsid string, alg graph.Algorithm, page graph.PhotoPage, since time.Time, visit, self bool) (photoPageJSON, error) {
	if visit {
		prev, err := s.opts.Graph.MarkVisit(ctx, nsid, s.opts.Now())
		if err != nil {
			return photoPageJSON{}, fmt.Errorf("server: mark visit of %s: %w", nsid, err)
		}
		since = prev
	}
	v := you
	if !self {
		u, err := s.opts.Graph.User(ctx, nsid)
		if err != nil {
			return photoPageJSON{}, fmt.Errorf("server: user %s: %w", nsid, err)
		}
		v = viewOf(displayName(u), false)
	}
	out := photoPageJSON{Algorithm: alg, Items: make([]photoRecJSON, 0, len(page.Items)), NextCursor: encodeCursor(page.NextCursor, since), Since: since}
	for _, r := range page.Items {
		owner := s.userView(r.Owner)
		out.Items = append(out.Items, photoRecJSON{
			Photo:   s.photoView(r.Photo),
			Owner:   owner,
			Score:   r.Score,
			Reasons: s.reasonsView(r.Reasons, owner, v),
			New:     !since.IsZero() && r.Photo.AddedAt.After(since),
		})
	}
	return out, nil
}

type userRecJSON struct {
	User   userJSON `json:"user"`
	Score  float64  `json:"score"`
	Common int      `json:"common"`
	Total  int      `json:"total"`
	// Photos are some of the person's photos the user would like (photos=n), best first.
	Photos []photoJSON `json:"photos,omitempty"`
	// Shared are photos the person and the user both faved, newest fave of the user first, as
	// many as Photos lacks of n.
	Shared []photoJSON `json:"shared,omitempty"`
}

type userPageJSON struct {
	Algorithm  graph.Algorithm `json:"algorithm"`
	Items      []userRecJSON   `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// recommendUsers is GET /api/v1/users/{nsid}/recommendations/people. With photos=n (1..8),
// each person comes with up to n of their photos the user would like (personPhotos), and
// photos both faved for the rest of n.
func (s *Server) recommendUsers(c *fiber.Ctx) error {
	nsid := c.Params("nsid")
	opts, _, err := s.recParams(c, false)
	if err != nil {
		return err
	}
	photos := 0
	if c.Query("photos") != "" {
		if photos, err = intParam(c, "photos", 0, maxPersonPhotos); err != nil {
			return err
		}
	}
	out, err := s.peopleView(c.UserContext(), nsid, opts, photos)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// maxPersonPhotos bounds the photos=n of the people listing.
const maxPersonPhotos = 8

// peopleView is one page of people recommended to nsid, each with up to photos of their photos
// nsid would like.
func (s *Server) peopleView(ctx context.Context, nsid string, opts graph.RecOptions, photos int) (userPageJSON, error) {
	page, err := s.opts.Graph.RecommendUsers(ctx, nsid, opts)
	if err != nil {
		return userPageJSON{}, fmt.Errorf("server: people recommendations of %s: %w", nsid, err)
	}
	out := userPageJSON{Algorithm: opts.Algorithm, Items: make([]userRecJSON, 0, len(page.Items)), NextCursor: encodeCursor(page.NextCursor, time.Time{})}
	for _, r := range page.Items {
		out.Items = append(out.Items, userRecJSON{User: s.userView(r.User), Score: r.Score, Common: r.Common, Total: r.Total})
	}
	if photos > 0 && len(out.Items) > 0 {
		if err := s.personPhotos(ctx, nsid, opts.Algorithm, out.Items, photos); err != nil {
			return userPageJSON{}, err
		}
		for i := range out.Items {
			p := &out.Items[i]
			if len(p.Photos) == photos || p.Common == 0 {
				continue
			}
			shared, err := s.opts.Graph.CommonFaves(ctx, nsid, p.User.NSID, photos-len(p.Photos))
			if err != nil {
				return userPageJSON{}, fmt.Errorf("server: common faves of %s and %s: %w", nsid, p.User.NSID, err)
			}
			for _, ph := range shared {
				p.Shared = append(p.Shared, s.photoView(ph))
			}
		}
	}
	return out, nil
}

// personPhotos gives each person up to n of the photos they took that nsid would like: first
// those in nsid's ranking by alg (its first graph.MaxLimit photos), in its order; then, for
// people still short, those in the ranking by the photographers nsid faves (graph.Owners),
// which ranks every photo of a photographer nsid faves.
func (s *Server) personPhotos(ctx context.Context, nsid string, alg graph.Algorithm, people []userRecJSON, n int) error {
	at := make(map[string]int, len(people))
	for i, p := range people {
		at[p.User.NSID] = i
	}
	short := len(people)
	for _, a := range []graph.Algorithm{alg, graph.Owners} {
		if short == 0 {
			break
		}
		page, err := s.opts.Graph.RecommendPhotos(ctx, nsid, graph.RecOptions{Algorithm: a, Limit: graph.MaxLimit, Why: 1})
		if err != nil {
			return fmt.Errorf("server: photos of people recommended to %s: %w", nsid, err)
		}
		for _, r := range page.Items {
			i, ok := at[r.Photo.Owner]
			if !ok || len(people[i].Photos) >= n || slices.ContainsFunc(people[i].Photos, func(p photoJSON) bool { return p.ID == r.Photo.ID }) {
				continue
			}
			people[i].Photos = append(people[i].Photos, s.photoView(r.Photo))
			if len(people[i].Photos) == n {
				short--
			}
		}
	}
	return nil
}

// dismissal handlers: POST dismisses, DELETE undismisses; only the owner may do either.
func (s *Server) dismissPhoto(c *fiber.Ctx) error {
	return s.dismissal(c, "photo", c.Params("photo"), s.opts.Graph.DismissPhoto)
}

func (s *Server) undismissPhoto(c *fiber.Ctx) error {
	return s.dismissal(c, "photo", c.Params("photo"), s.opts.Graph.UndismissPhoto)
}

// dismissUser is POST /api/v1/users/{nsid}/dismissed/people/{target}; a member cannot dismiss
// themselves (400).
func (s *Server) dismissUser(c *fiber.Ctx) error {
	nsid, target := c.Params("nsid"), c.Params("target")
	if err := requireSelf(c, nsid); err != nil {
		return err
	}
	if target == nsid {
		return invalidArgument("target", "you cannot dismiss yourself")
	}
	return s.dismissal(c, "user", target, s.opts.Graph.DismissUser)
}

func (s *Server) undismissUser(c *fiber.Ctx) error {
	return s.dismissal(c, "user", c.Params("target"), s.opts.Graph.UndismissUser)
}

func (s *Server) dismissal(c *fiber.Ctx, kind, target string, op func(ctx context.Context, nsid, target string) error) error {
	nsid := c.Params("nsid")
	if err := requireSelf(c, nsid); err != nil {
		return err
	}
	ctx := c.UserContext()
	var err error
	if kind == "photo" {
		_, err = s.opts.Graph.Photo(ctx, target)
	} else {
		_, err = s.opts.Graph.User(ctx, target)
	}
	if err != nil {
		return fmt.Errorf("server: %s %s: %w", kind, target, err)
	}
	if err := op(ctx, nsid, target); err != nil {
		return fmt.Errorf("server: %s dismissal of %s by %s: %w", kind, target, nsid, err)
	}
	return c.SendStatus(http.StatusNoContent)
}

// reasonsView is the JSON of the reasons of a photo by owner, their sentences seen from v.
func (s *Server) reasonsView(rs []graph.Reason, owner userJSON, v viewpoint) []reasonJSON {
	out := make([]reasonJSON, 0, len(rs))
	for _, r := range rs {
		rj := reasonJSON{Kind: r.Kind, Count: r.Count, Users: make([]contributionJSON, 0, len(r.Users))}
		for _, w := range r.Users {
			rj.Users = append(rj.Users, contributionJSON{User: s.userView(w.User), Score: w.Score, Common: w.Common})
		}
		rj.Text = reasonText(rj, owner, v)
		out = append(out, rj)
	}
	return out
}
