package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/flickr"
)

// FlickrLimit bounds the requests that spend Flickr calls while a person waits on them:
// logging in (POST /login, GET /login/callback), lookups (POST /browse, GET
// /api/v1/users/lookup) and a member's faves and comments. Each such request costs at most
// flickrCallsPerRequest calls. Zero values take the documented defaults, which derive the
// per-client limits from the Flickr budget (docs/operations.md, "Flickr budget and floods").
type FlickrLimit struct {
	// CallsPerHour is the deployment's Flickr budget (flickr.calls_per_hour); 0 means 3480.
	CallsPerHour int
	// AnonymousPerHour is the share of it the flickr.Anonymous lane may use (main passes the
	// limiter's flickr.LimitOptions.AnonymousPerHour); 0 means CallsPerHour/5.
	AnonymousPerHour int
	// Window is the period of PerMember and PerClient; 0 means 10 minutes.
	Window time.Duration
	// PerMember bounds one logged-in member's Flickr requests per Window (on this replica); 0
	// means a quarter of the budget's Window: CallsPerHour*Window/1h/2/4 (72 at 3,480/h);
	// negative means no limit. Past it: 429 with Retry-After.
	PerMember int
	// PerClient bounds one anonymous client IP's Flickr requests per Window (on this replica);
	// 0 means a quarter of the anonymous share: AnonymousPerHour*Window/1h/2/4 (14 at 696/h);
	// negative means no limit. Past it: 429 with Retry-After.
	PerClient int
	// Members and Anonymous bound the requests of each kind waiting for or making Flickr calls
	// at once in this process: the interactive queue. 0 means 32 and 8. A request that finds
	// its kind's queue full is answered 503 with Retry-After at once.
	Members, Anonymous int
	// MaxWait bounds one request's total wait for the rate limiter (flickr.WithMaxWait); 0
	// means 5 seconds. Past it the request is answered 503 with Retry-After.
	MaxWait time.Duration
}

// flickrCallsPerRequest is the most Flickr calls one gated request makes without retries (a
// lookup: LookupUser and PersonInfo; a login callback: AccessToken and PersonInfo).
const flickrCallsPerRequest = 2

func (l FlickrLimit) withDefaults() FlickrLimit {
	if l.CallsPerHour <= 0 {
		l.CallsPerHour = 3480
	}
	if l.AnonymousPerHour <= 0 {
		l.AnonymousPerHour = max(1, l.CallsPerHour/5)
	}
	if l.Window <= 0 {
		l.Window = 10 * time.Minute
	}
	share := func(perHour int) int {
		return max(1, int(float64(perHour)*l.Window.Hours())/flickrCallsPerRequest/4)
	}
	if l.PerMember == 0 {
		l.PerMember = share(l.CallsPerHour)
	}
	if l.PerClient == 0 {
		l.PerClient = share(l.AnonymousPerHour)
	}
	if l.Members <= 0 {
		l.Members = 32
	}
	if l.Anonymous <= 0 {
		l.Anonymous = 8
	}
	if l.MaxWait <= 0 {
		l.MaxWait = 5 * time.Second
	}
	return l
}

// flickrGate admits a request to Flickr work: within its member's or client IP's limit
// (429), with a free place in its kind's queue (503), its calls in the lane of its kind
// (flickr.Interactive for members, flickr.Anonymous for visitors) with the wait bounded by
// MaxWait, and its context cancelled when the client goes away (watchClient).
type flickrGate struct {
	lim               FlickrLimit
	now               func() time.Time
	counts            *windowCounts
	members, visitors chan struct{}
}

func newFlickrGate(lim FlickrLimit, now func() time.Time) *flickrGate {
	lim = lim.withDefaults()
	return &flickrGate{
		lim:      lim,
		now:      now,
		counts:   &windowCounts{window: lim.Window, m: map[string]*countWindow{}},
		members:  make(chan struct{}, lim.Members),
		visitors: make(chan struct{}, lim.Anonymous),
	}
}

// retryAfter is the Retry-After of a 503 from the gate: the wait bound, in whole seconds.
func (g *flickrGate) retryAfter() int {
	return max(1, int(g.lim.MaxWait.Round(time.Second)/time.Second))
}

func (g *flickrGate) busy() *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Code: codeFlickrBusy, RetryAfter: g.retryAfter(),
		Message: "too many requests are waiting for Flickr; try again in a few seconds"}
}

func (s *Server) gateFlickr(c *fiber.Ctx) error {
	g := s.flickr
	ss := sess(c)
	key, limit, lane, queue := "ip:"+c.IP(), g.lim.PerClient, flickr.Anonymous, g.visitors
	if ss.loggedIn() {
		key, limit, lane, queue = "member:"+ss.NSID, g.lim.PerMember, flickr.Interactive, g.members
	}
	if limit > 0 {
		if wait := g.counts.take(key, limit, g.now()); wait > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			return &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited, Message: "too many Flickr requests; slow down"}
		}
	}
	select {
	case queue <- struct{}{}:
		defer func() { <-queue }()
	default:
		return g.busy()
	}
	ctx, stop := watchClient(c)
	defer stop()
	c.SetUserContext(flickr.WithMaxWait(flickr.WithLane(ctx, lane), g.lim.MaxWait))
	return c.Next()
}

// windowCounts counts requests per key in fixed windows that start with a key's first request.
type windowCounts struct {
	window time.Duration
	mu     sync.Mutex
	m      map[string]*countWindow
}

type countWindow struct {
	start time.Time
	n     int
}

// maxKeys bounds the keys kept: past it, keys whose window ended are dropped first.
const maxKeys = 100_000

// take counts one request of key unless limit were counted in its window already; then it
// returns how long until that window ends (0: counted).
func (w *windowCounts) take(key string, limit int, now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	cw, ok := w.m[key]
	if !ok || now.Sub(cw.start) >= w.window {
		if !ok && len(w.m) >= maxKeys {
			for k, v := range w.m {
				if now.Sub(v.start) >= w.window {
					delete(w.m, k)
				}
			}
		}
		cw = &countWindow{start: now}
		w.m[key] = cw
	}
	if cw.n >= limit {
		return cw.start.Add(w.window).Sub(now)
	}
	cw.n++
	return 0
}
