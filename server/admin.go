package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
)

// AdminQueuesPath is where the asynqmon UI and its JSON API are mounted.
const AdminQueuesPath = "/admin/queues"

// adminUser is the user name the admin pages expect; only the password is configured.
const adminUser = "admin"

// adminCSP is the Content-Security-Policy of the asynqmon pages only: its index page has two
// inline scripts, Material-UI injects inline styles at run time, and it loads Roboto and the
// Material icons from Google Fonts. The rest of the app keeps the strict policy.
const adminCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// sharedRedis hands asynqmon our queue Redis client. asynqmon.HTTPHandler.Close would close
// it, so the server never calls Close: the client belongs to whoever built Options.
type sharedRedis struct{ c redis.UniversalClient }

// MakeRedisClient returns the shared client (asynq.RedisConnOpt).
func (s sharedRedis) MakeRedisClient() any { return s.c }

// adminRoutes mounts asynqmon at AdminQueuesPath behind HTTP Basic auth (user "admin",
// password Options.AdminPassword). With no password or no queue Redis the path answers 404.
func (s *Server) adminRoutes() {
	app := s.app
	if s.opts.AdminPassword == "" || s.opts.QueueRedis == nil {
		return // nothing mounted: the app's own 404
	}
	mon := asynqmon.New(asynqmon.Options{RootPath: AdminQueuesPath, RedisConnOpt: sharedRedis{c: s.opts.QueueRedis}})
	want := sha256.Sum256([]byte(adminUser + ":" + s.opts.AdminPassword))
	h := adaptor.HTTPHandler(mon)
	guard := func(c *fiber.Ctx) error {
		if !adminAuthorized(c.Get(fiber.HeaderAuthorization), want) {
			c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="photorec admin", charset="UTF-8"`)
			return c.Status(http.StatusUnauthorized).SendString("unauthorized\n")
		}
		// Browsers resend Basic credentials on their own, so a state-changing request must come
		// from our own pages (asynqmon's XHRs send Origin); tools without Origin are allowed.
		if !sameOriginWrite(c) {
			return c.Status(http.StatusForbidden).SendString("cross-origin request refused\n")
		}
		c.Set("Content-Security-Policy", adminCSP)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
	app.All(AdminQueuesPath, guard)
	app.All(AdminQueuesPath+"/*", guard)
}

// adminAuthorized reports whether header carries Basic credentials whose "user:password"
// hashes to want. Comparing fixed-length digests in constant time hides the password length.
func adminAuthorized(header string, want [sha256.Size]byte) bool {
	user, pass, ok := (&http.Request{Header: http.Header{"Authorization": {header}}}).BasicAuth()
	if !ok {
		return false
	}
	got := sha256.Sum256([]byte(user + ":" + pass))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// sameOriginWrite allows safe methods, and other methods whose Origin (when sent) is this
// host and whose Sec-Fetch-Site (when sent) is same-origin.
func sameOriginWrite(c *fiber.Ctx) bool {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return true
	}
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}
