package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

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
	h := adaptor.HTTPHandler(mon)
	guard := func(c *fiber.Ctx) error {
		// Browsers resend Basic credentials on their own, so a state-changing request must come
		// from our own pages (asynqmon's XHRs send Origin); tools without Origin are allowed.
		if !sameOriginWrite(c) {
			return c.Status(http.StatusForbidden).SendString("cross-origin request refused\n")
		}
		c.Set("Content-Security-Policy", adminCSP)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
	app.All(AdminQueuesPath, s.requireAdmin, guard)
	app.All(AdminQueuesPath+"/*", s.requireAdmin, guard)
}

// requireAdmin lets a request with the admin's Basic credentials through. A wrong or missing
// password is a 401, and counts as a failed attempt against the client IP and against all
// clients (adminAttempts): past either limit, requests are refused with 429 and Retry-After
// until the window that counted them ends, whatever password they carry.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	ip := c.IP()
	if wait, scope := s.adminTries.blocked(ip, s.opts.Now()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Round(time.Second)/time.Second)))
		return c.Status(http.StatusTooManyRequests).SendString("too many failed admin logins (" + scope + "); try again later\n")
	}
	if adminAuthorized(c.Get(fiber.HeaderAuthorization), s.adminHash) {
		s.adminTries.succeeded(ip)
		return c.Next()
	}
	if c.Get(fiber.HeaderAuthorization) != "" {
		ipFails, total, limited := s.adminTries.failed(ip, s.opts.Now())
		s.log.Warn("admin password attempt failed", "ip", ip, "path", c.Path(), "ip_failures", ipFails, "total_failures", total)
		if limited != "" {
			s.log.Warn("admin password attempts limited", "ip", ip, "scope", limited, "window_s", int(s.adminTries.lim.Window/time.Second))
		}
	}
	c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="photorec admin", charset="UTF-8"`)
	return c.Status(http.StatusUnauthorized).SendString("unauthorized\n")
}

// AdminLimit bounds failed admin password attempts, counted in fixed windows in this process.
type AdminLimit struct {
	PerIP  int           // failures one client IP may make per Window; 0 means 10
	Total  int           // failures all clients together may make per Window; 0 means 100
	Window time.Duration // 0 means 15 minutes
}

// adminAttempts counts failed admin logins per client IP and in total, each in a fixed window
// that starts with its first failure. It holds at most lim.Total IPs per window.
type adminAttempts struct {
	lim   AdminLimit
	mu    sync.Mutex
	ips   map[string]*attemptWindow
	total attemptWindow
}

type attemptWindow struct {
	start time.Time
	fails int
}

func newAdminAttempts(lim AdminLimit) *adminAttempts {
	if lim.PerIP <= 0 {
		lim.PerIP = 10
	}
	if lim.Total <= 0 {
		lim.Total = 100
	}
	if lim.Window <= 0 {
		lim.Window = 15 * time.Minute
	}
	return &adminAttempts{lim: lim, ips: map[string]*attemptWindow{}}
}

// current returns w, reset when its window ended by now.
func (a *adminAttempts) current(w *attemptWindow, now time.Time) *attemptWindow {
	if now.Sub(w.start) >= a.lim.Window {
		*w = attemptWindow{start: now}
	}
	return w
}

// blocked returns how long ip must wait, and which limit ("ip" or "total") holds it; 0 when
// it may try.
func (a *adminAttempts) blocked(ip string, now time.Time) (time.Duration, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if w, ok := a.ips[ip]; ok {
		if w = a.current(w, now); w.fails >= a.lim.PerIP {
			return w.start.Add(a.lim.Window).Sub(now), "ip"
		}
	}
	if t := a.current(&a.total, now); t.fails >= a.lim.Total {
		return t.start.Add(a.lim.Window).Sub(now), "total"
	}
	return 0, ""
}

// failed counts a failure of ip and returns the counts in the current windows, and the limit
// this failure reached ("ip", "total" or "").
func (a *adminAttempts) failed(ip string, now time.Time) (ipFails, total int, limited string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.ips) >= a.lim.Total {
		for k, w := range a.ips {
			if now.Sub(w.start) >= a.lim.Window {
				delete(a.ips, k)
			}
		}
	}
	w, ok := a.ips[ip]
	if !ok {
		w = &attemptWindow{start: now}
		a.ips[ip] = w
	}
	w = a.current(w, now)
	w.fails++
	t := a.current(&a.total, now)
	t.fails++
	switch {
	case w.fails == a.lim.PerIP:
		limited = "ip"
	case t.fails == a.lim.Total:
		limited = "total"
	}
	return w.fails, t.fails, limited
}

// succeeded forgets ip's failures.
func (a *adminAttempts) succeeded(ip string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.ips, ip)
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
