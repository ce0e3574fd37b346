package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// exampleQuery is the placeholder of the browse field.
const exampleQuery = "flickr.com/photos/name"

// basePage is what the layout of every page needs.
type basePage struct {
	Title  string
	CSRF   string
	Viewer *userJSON // nil when nobody is logged in
	// Reload makes a browser without scripts reload the page every Reload seconds (0: never).
	Reload int
}

type welcomePage struct {
	Page    basePage
	Query   string
	Error   string
	Example string
}

// Page modes of the user page.
const (
	modeProgress        = "progress"        // never pulled yet: only the progress bar
	modeGettingStarted  = "getting-started" // too few faves or neighbors: popular photos to fave
	modeRecommendations = "recommendations"
)

type userPage struct {
	Page      basePage
	User      userJSON
	Summary   summaryJSON
	Owner     bool
	Mode      string
	Running   bool
	Algorithm string
	// Algorithms are the choices of the ranking menu (graph.AlgorithmList).
	Algorithms []graph.AlgorithmInfo
	// Photos are the first page of photos, rendered for people without scripts; PhotoData is
	// the same page as the API's JSON, which the script takes over from.
	Photos    []tileView
	PhotoData template.JS
	// People are the first people to follow, most faves in common first.
	People []userRecJSON
	// Empty renders the template the script clones for the photos it adds.
	Empty tileView
}

// tileView is one photo of the grid.
type tileView struct {
	Rec   photoRecJSON
	Eager bool // in the first screen: loaded at once, not lazily
}

// Why is the tile's short why: the sentence of its largest reason.
func (t tileView) Why() string {
	for _, r := range t.Rec.Reasons {
		if r.Text != "" {
			return r.Text
		}
	}
	return ""
}

// Server-rendered first page: photos (firstPagePhotos fills whole rows at every width often
// enough; the script loads the next pages) and people.
const (
	firstPagePhotos = 36
	eagerPhotos     = 12
	firstPagePeople = 12
	personPhotos    = 4
	// tastePeople is how many people the taste page lists.
	tastePeople = 12
	// noScriptReload is how often, in seconds, the progress page reloads without scripts.
	noScriptReload = 5
)

type tastePage struct {
	Page  basePage
	User  userJSON
	Owner bool
	// People are the strongest neighbors, most faves in common first (the number the list
	// shows); MaxCommon scales their bars.
	People    []tasteNeighborJSON
	MaxCommon int
}

type errorPage struct {
	Page    basePage
	Status  int
	Message string
}

func templateFuncs(photoBase string) template.FuncMap {
	return template.FuncMap{
		"photoPage": func(owner, id string) string { return photoPageURL(photoBase, owner, id) },
		"profile":   func(nsid string) string { return profileURL(photoBase, nsid) },
		"userPath":  func(nsid string) string { return "/u/" + url.PathEscape(nsid) },
		"photoNote": photoNote,
	}
}

// photoNote says what a person card's thumbnails are: theirs photos of theirs, then shared
// photos both faved.
func photoNote(theirs, shared int) string {
	switch {
	case theirs == 0 && shared == 0:
		return "No photos of theirs to show yet."
	case shared == 0:
		return plural(theirs, "photo of theirs you might like", "photos of theirs you might like") + "."
	case theirs == 0:
		return "Photos you both faved."
	}
	return plural(theirs, "photo of theirs you might like", "photos of theirs you might like") + ", then photos you both faved."
}

func (s *Server) basePage(c *fiber.Ctx, title string) basePage {
	ss := sess(c)
	p := basePage{Title: title, CSRF: ss.CSRF}
	if ss.loggedIn() {
		p.Viewer = &userJSON{NSID: ss.NSID, Username: ss.Username, Name: ss.Name}
	}
	return p
}

// renderStatus executes one page template into a buffer, so that a failing template never
// sends half a page.
func (s *Server) renderStatus(c *fiber.Ctx, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

// welcome is GET /: log in with Flickr, or look someone up.
func (s *Server) welcome(c *fiber.Ctx) error {
	return s.renderStatus(c, http.StatusOK, "welcome", welcomePage{
		Page:    s.basePage(c, "photorec: photos you will like, from the people whose photos you like"),
		Example: exampleQuery,
	})
}

// browse is POST /browse (form field q): look the user up, pull them if stale (pullIfStale),
// and go to their page.
func (s *Server) browse(c *fiber.Ctx) error {
	q := c.FormValue("q")
	u, err := s.lookup(c.UserContext(), q)
	if err != nil {
		ae := classify(err)
		if ae.Status >= 500 && ae.Code == codeInternal || clientGone(c.UserContext()) {
			return err
		}
		if ae.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ae.RetryAfter))
		}
		if ae.Code == codeNotFound {
			ae = &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: "No Flickr member by that URL or name; maybe there is a typo?", Err: ae.Err}
		}
		s.log.Info("browse lookup failed", "status", ae.Status, "code", ae.Code, "err", errText(ae.Err))
		return s.renderStatus(c, ae.Status, "welcome", welcomePage{
			Page:    s.basePage(c, "photorec"),
			Query:   q,
			Error:   ae.Message,
			Example: exampleQuery,
		})
	}
	if _, _, err := s.pullIfStale(c.UserContext(), u.NSID); err != nil {
		// The page still works; its progress section says the pull has not started.
		s.log.Warn("pull after browse not started", "user_nsid", u.NSID, "err", err.Error())
	}
	return c.Redirect("/u/"+url.PathEscape(u.NSID), http.StatusSeeOther)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// userPageHandler is GET /u/{nsid}: progress while the first pull runs, then recommendations
// (or, with too few faves, popular photos to fave first).
func (s *Server) userPageHandler(c *fiber.Ctx) error {
	ctx := c.UserContext()
	nsid := c.Params("nsid")
	if _, err := s.opts.Graph.User(ctx, nsid); err != nil {
		return err
	}
	if _, _, err := s.pullIfStale(ctx, nsid); err != nil {
		s.log.Warn("pull of a viewed member not started", "user_nsid", nsid, "err", err.Error())
	}
	sum, err := s.summary(ctx, c, nsid)
	if err != nil {
		return err
	}
	mode := modeRecommendations
	switch {
	case sum.LastPullAt.IsZero():
		mode = modeProgress
	case sum.GettingStarted:
		mode = modeGettingStarted
	}
	alg, err := s.algorithmParam(c) // a no-script ranking menu submits ?algorithm=
	if err != nil {
		return err
	}
	if mode == modeGettingStarted {
		alg = graph.Popularity
	}
	page := userPage{
		Page:       s.basePage(c, sum.User.Name+" · photorec"),
		User:       sum.User,
		Summary:    sum,
		Owner:      sum.ViewerIsOwner,
		Mode:       mode,
		Running:    sum.Progress.State == runs.StateRunning,
		Algorithm:  string(alg),
		Algorithms: graph.AlgorithmList,
	}
	if mode == modeProgress {
		page.Page.Reload = noScriptReload
	} else if err := s.firstPage(ctx, &page, nsid, alg); err != nil {
		return err
	}
	return s.renderStatus(c, http.StatusOK, "user", page)
}

// firstPage fills the page's first photos (as the API's first page: the owner's visit is
// recorded) and, with recommendations, its people.
func (s *Server) firstPage(ctx context.Context, page *userPage, nsid string, alg graph.Algorithm) error {
	opts := graph.RecOptions{Algorithm: alg, Limit: firstPagePhotos, Why: graph.DefaultWhy}
	recs, err := s.opts.Graph.RecommendPhotos(ctx, nsid, opts)
	if err != nil {
		return fmt.Errorf("server: photo recommendations of %s: %w", nsid, err)
	}
	out, err := s.photoPageView(ctx, nsid, alg, recs, time.Time{}, page.Owner && alg != graph.Popularity, page.Owner)
	if err != nil {
		return err
	}
	body, ok := appendPhotoPage(nil, &out)
	if !ok {
		return fmt.Errorf("server: photo page of %s does not encode", nsid)
	}
	page.PhotoData = template.JS(body) // #nosec G203 -- appendPhotoPage escapes <, > and &
	for i, r := range out.Items {
		page.Photos = append(page.Photos, tileView{Rec: r, Eager: i < eagerPhotos})
	}
	if page.Mode != modeRecommendations {
		return nil
	}
	// Twice as many as shown: a person with no photo to show gives nothing to judge them by.
	people, err := s.peopleView(ctx, nsid, graph.RecOptions{Algorithm: alg, Limit: 2 * firstPagePeople}, personPhotos)
	if err != nil {
		return err
	}
	var bare []userRecJSON
	for _, p := range people.Items {
		switch {
		case len(p.Photos)+len(p.Shared) > 0 && len(page.People) < firstPagePeople:
			page.People = append(page.People, p)
		case len(bare) < firstPagePeople:
			bare = append(bare, p)
		}
	}
	if len(page.People) == 0 {
		// Early in a first pull nobody's photos have landed yet: the people as ranked, rather
		// than "No one to suggest yet" until the next reload.
		page.People = bare
	}
	page.People = byCommon(page.People)
	return nil
}

// byCommon orders people by faves in common (desc), the number a person card shows; people
// with as many keep the ranking's order.
func byCommon(people []userRecJSON) []userRecJSON {
	slices.SortStableFunc(people, func(a, b userRecJSON) int { return b.Common - a.Common })
	return people
}

// tastePageHandler is GET /u/{nsid}/taste: the taste-graph picture.
func (s *Server) tastePageHandler(c *fiber.Ctx) error {
	nsid := c.Params("nsid")
	t, err := s.tasteView(c.UserContext(), nsid, tastePeople)
	if err != nil {
		return err
	}
	people := slices.Clone(t.Neighbors)
	slices.SortStableFunc(people, func(a, b tasteNeighborJSON) int {
		if a.Common != b.Common {
			return b.Common - a.Common
		}
		return strings.Compare(a.User.NSID, b.User.NSID)
	})
	page := tastePage{
		Page:   s.basePage(c, "Taste of "+t.User.Name+" · photorec"),
		User:   t.User,
		Owner:  sess(c).NSID == nsid,
		People: people,
	}
	if len(people) > 0 {
		page.MaxCommon = people[0].Common
	}
	return s.renderStatus(c, http.StatusOK, "taste", page)
}
