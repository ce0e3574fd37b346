package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
	"github.com/photorec/photorec/ui"
)

// Graph is the part of graph.Store the server uses. Every graph.Store satisfies it.
type Graph interface {
	UpsertUsers(ctx context.Context, users []graph.User) error
	AddFaves(ctx context.Context, b graph.FavesBatch) error
	RemoveFave(ctx context.Context, user, photoID string) error
	PullState(ctx context.Context, nsid string) (graph.PullState, error)
	Register(ctx context.Context, nsid string) error
	DismissPhoto(ctx context.Context, nsid, photoID string) error
	UndismissPhoto(ctx context.Context, nsid, photoID string) error
	DismissUser(ctx context.Context, nsid, target string) error
	UndismissUser(ctx context.Context, nsid, target string) error
	User(ctx context.Context, nsid string) (graph.User, error)
	Photo(ctx context.Context, id string) (graph.Photo, error)
	Summary(ctx context.Context, nsid string) (graph.Summary, error)
	Neighbors(ctx context.Context, nsid string, order graph.NeighborOrder, limit int) ([]graph.Neighbor, error)
	CommonFaves(ctx context.Context, a, b string, limit int) ([]graph.Photo, error)
	RecommendPhotos(ctx context.Context, nsid string, opts graph.RecOptions) (graph.PhotoPage, error)
	RecommendUsers(ctx context.Context, nsid string, opts graph.RecOptions) (graph.UserPage, error)
	SimilarPhotos(ctx context.Context, photoID, viewer string, opts graph.RecOptions) (graph.PhotoPage, error)
	PutToken(ctx context.Context, nsid string, sealed []byte) error
	Token(ctx context.Context, nsid string) ([]byte, error)
	DeleteToken(ctx context.Context, nsid string) error
	MarkVisit(ctx context.Context, nsid string, at time.Time) (time.Time, error)
	Ping(ctx context.Context) error
}

// Flickr is the part of *flickr.Client the server uses: lookups, OAuth and the user's actions.
type Flickr interface {
	LookupUser(ctx context.Context, input string) (flickr.UserRef, error)
	PersonInfo(ctx context.Context, nsid string) (flickr.Person, error)
	AddFavorite(ctx context.Context, tok flickr.Token, photoID string) error
	RemoveFavorite(ctx context.Context, tok flickr.Token, photoID string) error
	AddComment(ctx context.Context, tok flickr.Token, photoID, text string) (string, error)
	RequestToken(ctx context.Context, callbackURL string) (flickr.Token, error)
	AuthorizeURL(requestToken string) string
	AccessToken(ctx context.Context, req flickr.Token, verifier string) (flickr.AccessToken, error)
}

// Pipeline is the refresh pipeline (*worker.Client). Runs, their states and reasons are
// package runs'.
type Pipeline interface {
	// Refresh starts a refresh run for nsid, or joins the one running, and returns its progress.
	Refresh(ctx context.Context, nsid string, reason runs.Reason) (runs.Progress, error)
	// Progress reports nsid's latest run; State is runs.StateNone when there was none.
	Progress(ctx context.Context, nsid string) (runs.Progress, error)
	// FaveAdded asks for a high-priority pull of the owner of a photo user just faved.
	FaveAdded(ctx context.Context, user string, photo graph.Photo) error
}

// Check is one readiness check run by /readyz.
type Check struct {
	Name string                          // e.g. "graph", "redis"
	Func func(ctx context.Context) error // nil error means ready
}

// RateLimit bounds the requests of one client (a logged-in member, else a client IP) to pages
// and the API. It is set for graph reads; requests that spend Flickr calls are also held to
// FlickrLimit, which is sized from the Flickr budget.
type RateLimit struct {
	Requests int           // per Window; 0 means 600; negative disables the limit
	Window   time.Duration // 0 means one minute
}

// Options configure New. Graph, Flickr and Pipeline are required; every other field has a
// documented zero-value default.
type Options struct {
	Graph    Graph
	Flickr   Flickr
	Pipeline Pipeline

	// Logger receives one line per handled error; nil discards.
	Logger *slog.Logger
	// Registry serves /metrics and receives the server's HTTP metrics; nil uses a new private one.
	Registry *prometheus.Registry
	// Redis keeps OAuth request-token secrets (10 minutes) so that any replica can finish a
	// login, and the live logged-in sessions, so that a logout on any replica ends the session
	// on all; nil keeps both in this process (a single replica only; sessions end when it stops).
	Redis redis.UniversalClient
	// BaseURL is the external URL of the app, e.g. "https://photorec.example"; it builds the
	// OAuth callback. "" derives it from each request's scheme and Host.
	BaseURL string
	// SessionKey is the 32-byte AES-256-GCM key of session cookies; nil generates a random key
	// per process (sessions end on restart and do not cross replicas).
	SessionKey []byte
	// TokenKey is the 32-byte AES-256-GCM key sealing Flickr access tokens at rest; nil
	// generates a random key per process (stored tokens become unreadable on restart).
	TokenKey []byte
	// Secure marks cookies Secure and sends HSTS; set it when served over TLS.
	Secure bool
	// Algorithm is used when a request names none; set it to the graph store's Default (main
	// passes recommend.algorithm to both). "" means graph.DefaultAlgorithm.
	Algorithm graph.Algorithm
	// ViewFresh is how long a member someone else browses (their page, /browse, a lookup) stays
	// fresh: browsing pulls them only when they were never pulled or their last pull is older.
	// Browsing never registers a member for scheduled refreshes; logging in does. 0 means 24h.
	ViewFresh time.Duration
	// RateLimit bounds page and /api/v1 requests per member or client IP; the zero value
	// allows 600 a minute.
	RateLimit RateLimit
	// FlickrLimit bounds the requests that spend Flickr calls: per member, per anonymous
	// client IP, in a queue per kind, and in their wait for the rate limiter. Set its
	// CallsPerHour (and AnonymousPerHour) to the Flickr client's limiter budget.
	FlickrLimit FlickrLimit
	// Ready lists the checks of /readyz; nil checks the graph with Graph.Ping.
	Ready []Check
	// ImageSources are the CSP img-src origins besides 'self'; nil means Flickr's image hosts.
	ImageSources []string
	// PhotoPageBase prefixes photo and profile links; "" means "https://www.flickr.com/photos/".
	PhotoPageBase string
	// PageJSONBytes bounds the JSON of photo pages kept for stores that version their pages
	// (pagecache.go); 0 means DefaultPageJSONBytes, negative keeps none.
	PageJSONBytes int64
	// ProxyHeader names the header holding the client IP behind a proxy (e.g.
	// "X-Forwarded-For"); "" uses the peer address.
	ProxyHeader string
	// PollInterval is how often an event stream polls the pipeline; 0 means one second.
	PollInterval time.Duration
	// Heartbeat is the longest silence on an event stream; 0 means 15 seconds.
	Heartbeat time.Duration
	// MaxStream bounds one event stream; 0 means 30 minutes (the browser reconnects).
	MaxStream time.Duration
	// RequestTokenTTL bounds a login from request token to callback; 0 means 10 minutes.
	RequestTokenTTL time.Duration
	// SessionTTL is the life of a session cookie; 0 means 30 days.
	SessionTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// AdminPassword guards the admin pages (asynqmon at /admin/queues) with HTTP Basic auth,
	// user "admin"; "" disables them (404).
	AdminPassword string
	// AdminLimit bounds failed admin password attempts per client IP and in total; the zero
	// value allows 10 per IP and 100 in all per 15 minutes.
	AdminLimit AdminLimit
	// QueueRedis is the Asynq queue Redis that asynqmon inspects; nil disables the admin pages.
	// The server never closes it.
	QueueRedis redis.UniversalClient
}

// Server is the photorec web app. Build it with New.
type Server struct {
	app      *fiber.App
	opts     Options
	log      *slog.Logger
	pages    *template.Template
	sessions *sealer
	tokens   *sealer
	reqs     requestTokenStore
	// adminHash is sha256("admin:" + AdminPassword); adminTries counts failed attempts.
	adminHash  [sha256.Size]byte
	adminTries *adminAttempts
	live       sessionStore
	metrics    *httpMetrics
	flickr     *flickrGate
	csp        string
	pageJSON   *pageJSONCache

	streamCtx    context.Context
	cancelStream context.CancelFunc
}

// New builds the app and its routes. It fails when a required dependency is missing or a key
// is not 32 bytes long.
func New(opts Options) (*Server, error) {
	if opts.Graph == nil || opts.Flickr == nil || opts.Pipeline == nil {
		return nil, errors.New("server: Graph, Flickr and Pipeline are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	if opts.Algorithm == "" {
		opts.Algorithm = graph.DefaultAlgorithm
	}
	if opts.ViewFresh <= 0 {
		opts.ViewFresh = 24 * time.Hour
	}
	if opts.RateLimit.Requests == 0 {
		opts.RateLimit.Requests = 600
	}
	if opts.RateLimit.Window <= 0 {
		opts.RateLimit.Window = time.Minute
	}
	if opts.ImageSources == nil {
		opts.ImageSources = []string{"https://live.staticflickr.com", "https://*.staticflickr.com", "https://www.flickr.com"}
	}
	if opts.PhotoPageBase == "" {
		opts.PhotoPageBase = "https://www.flickr.com/photos/"
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	if opts.MaxStream <= 0 {
		opts.MaxStream = 30 * time.Minute
	}
	if opts.RequestTokenTTL <= 0 {
		opts.RequestTokenTTL = 10 * time.Minute
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Ready == nil {
		opts.Ready = []Check{{Name: "graph", Func: opts.Graph.Ping}}
	}
	sessionKey, err := keyOrRandom(opts.SessionKey, "session")
	if err != nil {
		return nil, err
	}
	tokenKey, err := keyOrRandom(opts.TokenKey, "token")
	if err != nil {
		return nil, err
	}
	if opts.SessionKey == nil {
		opts.Logger.Warn("no session key configured: sessions end when this process stops")
	}
	if opts.TokenKey == nil {
		opts.Logger.Warn("no token key configured: stored flickr tokens become unreadable when this process stops")
	}
	sessions, err := newSealer(sessionKey, "photorec-session-v1")
	if err != nil {
		return nil, err
	}
	tokens, err := newSealer(tokenKey, "photorec-token-v1")
	if err != nil {
		return nil, err
	}
	pages, err := ui.Templates(templateFuncs(opts.PhotoPageBase))
	if err != nil {
		return nil, fmt.Errorf("server: templates: %w", err)
	}
	metrics, err := newHTTPMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	var reqs requestTokenStore = newMemoryRequestTokens(opts.Now)
	var live sessionStore = newMemorySessions()
	if opts.Redis != nil {
		reqs = redisRequestTokens{rdb: opts.Redis}
		live = redisSessions{rdb: opts.Redis}
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		pages:    pages,
		sessions: sessions,
		tokens:   tokens,
		reqs:     reqs,
		live:     live,

		adminHash:  sha256.Sum256([]byte(adminUser + ":" + opts.AdminPassword)),
		adminTries: newAdminAttempts(opts.AdminLimit),
		metrics:    metrics,
		flickr:     newFlickrGate(opts.FlickrLimit, opts.Now),
		pageJSON:   newPageJSONCache(opts.PageJSONBytes),
	}
	s.csp = contentSecurityPolicy(opts.ImageSources, originOf(opts.Flickr.AuthorizeURL("x")))
	s.streamCtx, s.cancelStream = context.WithCancel(context.Background())
	s.app = fiber.New(fiber.Config{
		AppName:               "photorec",
		ErrorHandler:          s.handleError,
		Immutable:             true,
		UnescapePath:          true,
		ProxyHeader:           opts.ProxyHeader,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		BodyLimit:             64 << 10,
	})
	s.routes()
	return s, nil
}

// App returns the Fiber app (for tests with App().Test, or to mount elsewhere).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves HTTP on addr (host:port) until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", addr, err)
	}
	return s.Serve(ln)
}

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.app.Listener(ln); err != nil {
		return fmt.Errorf("server: serve: %w", err)
	}
	return nil
}

// Shutdown ends every event stream, then stops accepting connections and waits for the
// requests in flight until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.cancelStream()
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

func keyOrRandom(key []byte, name string) ([]byte, error) {
	if key == nil {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("server: random %s key: %w", name, err)
		}
		return k, nil
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("server: %s key must be 32 bytes, got %d", name, len(key))
	}
	return key, nil
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
