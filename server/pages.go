package server

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

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
}

type tastePage struct {
	Page  basePage
	User  userJSON
	Owner bool
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
	}
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
	alg := string(s.opts.Algorithm)
	if mode == modeGettingStarted {
		alg = string(graph.Popularity)
	}
	return s.renderStatus(c, http.StatusOK, "user", userPage{
		Page:       s.basePage(c, sum.User.Name+" · photorec"),
		User:       sum.User,
		Summary:    sum,
		Owner:      sum.ViewerIsOwner,
		Mode:       mode,
		Running:    sum.Progress.State == runs.StateRunning,
		Algorithm:  alg,
		Algorithms: graph.AlgorithmList,
	})
}

// tastePageHandler is GET /u/{nsid}/taste: the taste-graph picture.
func (s *Server) tastePageHandler(c *fiber.Ctx) error {
	nsid := c.Params("nsid")
	u, err := s.opts.Graph.User(c.UserContext(), nsid)
	if err != nil {
		return err
	}
	v := s.userView(u)
	return s.renderStatus(c, http.StatusOK, "taste", tastePage{
		Page:  s.basePage(c, "Taste graph of "+v.Name+" · photorec"),
		User:  v,
		Owner: sess(c).NSID == nsid,
	})
}
