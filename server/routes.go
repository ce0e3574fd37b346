package server

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	fiberrecover "github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/photorec/photorec/ui"
)

// routes lists every route of the app. The /api/v1 routes are documented in openapi.json
// (a test holds the two to each other).
func (s *Server) routes() {
	app := s.app
	app.Use(s.measure, s.recoverPanic(), s.securityHeaders)

	// Operations: no session, no rate limit.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{})))
	app.Use("/static", directoriesNotFound(filesystem.New(filesystem.Config{Root: http.FS(ui.Static()), MaxAge: 300})))
	s.adminRoutes() // /admin/queues: Basic auth of its own, no session
	s.backupRoute() // /admin/backup: the same Basic auth, no session

	// Everything below has a session, and state-changing methods need its CSRF token.
	app.Use(s.loadSession, s.checkCSRF)
	limit := s.rateLimiter()
	gate := s.gateFlickr // before every handler that calls Flickr

	// Pages.
	app.Get("/", s.welcome)
	app.Post("/browse", limit, gate, s.browse)
	app.Post("/login", limit, gate, s.login)
	app.Get("/login/callback", limit, gate, s.loginCallback)
	app.Post("/logout", s.logout)
	app.Post("/logout/everywhere", s.logoutEverywhere)
	app.Get("/u/:nsid", limit, s.userPageHandler)
	app.Get("/u/:nsid/taste", limit, s.tastePageHandler)

	// JSON API.
	api := app.Group("/api/v1", limit)
	api.Get("/openapi.json", s.openAPI)
	api.Get("/session", s.sessionInfo)
	api.Post("/logout", s.logout)
	api.Post("/logout/everywhere", s.logoutEverywhere)
	api.Get("/users/lookup", gate, s.lookupUser)
	api.Get("/users/:nsid", s.userSummary)
	api.Post("/users/:nsid/refresh", s.refreshUser)
	api.Get("/users/:nsid/progress", s.userProgress)
	api.Get("/users/:nsid/events", s.events)
	api.Get("/users/:nsid/recommendations/photos", s.recommendPhotos)
	api.Get("/users/:nsid/recommendations/people", s.recommendUsers)
	api.Post("/users/:nsid/dismissed/photos/:photo", s.dismissPhoto)
	api.Delete("/users/:nsid/dismissed/photos/:photo", s.undismissPhoto)
	api.Post("/users/:nsid/dismissed/people/:target", s.dismissUser)
	api.Delete("/users/:nsid/dismissed/people/:target", s.undismissUser)
	api.Get("/users/:nsid/taste", s.taste)
	api.Get("/users/:nsid/common/:other", s.commonFaves)
	api.Get("/photos/:photo/similar", s.similarPhotos)
	api.Post("/photos/:photo/fave", gate, s.fave)
	api.Delete("/photos/:photo/fave", gate, s.unfave)
	api.Post("/photos/:photo/comments", gate, s.comment)
}

// recoverPanic turns a panic in a handler into an error for handleError (a 500 with a safe
// message, JSON on the API), after logging the panic and its stack: one bad request must not
// take the process (in the demo, everything) down.
func (s *Server) recoverPanic() fiber.Handler {
	return fiberrecover.New(fiberrecover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.log.Error("handler panicked", "method", c.Method(), "path", c.Path(), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
		},
	})
}
