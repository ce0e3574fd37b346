package flickrtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Default consumer credentials of a simulator.
const (
	DefaultConsumerKey    = "photorec-test-key"
	DefaultConsumerSecret = "photorec-test-secret"
)

// Faults are injected failures, changeable at run time with SetFaults. Rates are probabilities in
// [0,1] drawn per REST call from a seeded source, checked in the order listed; the first hit wins.
type Faults struct {
	Latency        time.Duration // added to every request (REST, OAuth, images)
	RateLimited    float64       // HTTP 429 with Flickr's HTML body
	ServerError    float64       // HTTP 502 with an HTML body
	Unavailable    float64       // HTTP 200, code 105 "Service currently unavailable"
	APIDown        float64       // HTTP 200, code 201 "Sorry, the Flickr API service is not currently available."
	CommentTooFast float64       // addComment only: code 9 "User is posting comments too fast"
	// CommentsOff: addComment only, drawn after the token checks: code 99 "Insufficient
	// permission to comment", Flickr's reply when the photo's owner turned comments off.
	CommentsOff float64
}

// Quirks switch on wire-format oddities real clients must tolerate.
type Quirks struct {
	StringPaging bool // pages and total as JSON strings (page and perpage stay numbers), as in older replies
	MissingLarge bool // about one photo in six has no url_l/height_l/width_l (no 1024 variant)
	ShortPages   bool // non-last pages drop about one item in eight after paging
}

// imageCacheBytes bounds the encoded images a Server keeps in memory.
const imageCacheBytes = 48 << 20

// Options configure a Server. Zero values take the documented defaults.
type Options struct {
	ConsumerKey    string           // default DefaultConsumerKey
	ConsumerSecret string           // default DefaultConsumerSecret
	Latency        time.Duration    // initial Faults.Latency
	Faults         Faults           // initial faults; Latency above is added to Faults.Latency
	CallsPerHour   int              // per consumer key, sliding hour over every REST call; 0 means unlimited
	Now            func() time.Time // clock for rate windows, fave and comment dates; default time.Now
	Quirks         Quirks
	// BaseURL is the public base URL used in image links; default URL when set, else the
	// request's own scheme and host.
	BaseURL string
}

// Server is the Flickr simulator's HTTP side. It is safe for concurrent use.
type Server struct {
	// URL is the base URL (no trailing slash) once Start or Serve has bound a listener.
	URL string

	w    *World
	opts Options
	mux  *http.ServeMux
	http *http.Server

	mu           sync.Mutex
	faults       Faults
	callsPerHour int
	rnd          *rand.Rand
	calls        map[string]int
	window       map[string]*slidingWindow
	reqTokens    map[string]*requestToken
	revoked      map[string]bool // access tokens revoked by RevokeToken
	tokenN       uint64          // request tokens and verifiers made so far
	tokenKey     []byte          // access-token key (see tokens.go)

	images *imageCache
}

type requestToken struct {
	secret, callback string
	perms            string
	user             int32
	verifier         string
	authorized       bool
}

// accessToken is what an access token grants (see tokens.go).
type accessToken struct {
	secret, perms string
	user          int32
}

// NewServer builds a simulator over w. It does not listen; use Handler, Serve or Start.
func NewServer(w *World, opts Options) *Server {
	if opts.ConsumerKey == "" {
		opts.ConsumerKey = DefaultConsumerKey
	}
	if opts.ConsumerSecret == "" {
		opts.ConsumerSecret = DefaultConsumerSecret
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	f := opts.Faults
	f.Latency += opts.Latency
	s := &Server{w: w, opts: opts, faults: f, callsPerHour: opts.CallsPerHour,
		rnd: rand.New(rand.NewPCG(w.seed, 0xfa17)), calls: map[string]int{}, window: map[string]*slidingWindow{},
		reqTokens: map[string]*requestToken{}, revoked: map[string]bool{}, images: newImageCache(imageCacheBytes)}
	s.tokenKey = newTokenKey(w, opts.ConsumerKey, opts.ConsumerSecret)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/services/rest", s.handleREST)
	s.mux.HandleFunc("/services/rest/", s.handleREST)
	s.mux.HandleFunc("/services/oauth/request_token", s.handleRequestToken)
	s.mux.HandleFunc("/services/oauth/authorize", s.handleAuthorize)
	s.mux.HandleFunc("/services/oauth/access_token", s.handleAccessToken)
	s.mux.HandleFunc("GET /_sim/calls", s.handleCalls)
	s.mux.HandleFunc("GET /_sim/faults", s.handleGetFaults)
	s.mux.HandleFunc("PUT /_sim/faults", s.handlePutFaults)
	s.mux.HandleFunc("GET /photos/{owner}/{id}/{$}", s.handlePhotoPage)
	s.mux.HandleFunc("GET /photos/{user}/{$}", s.handleProfilePage)
	s.mux.HandleFunc("GET /{$}", s.handleHome)
	s.mux.HandleFunc("/", s.handleStatic) // images: /{server}/{id}_{secret}_{suffix}.jpg, also under /img/
	return s
}

// Start serves a new simulator on a loopback port until the test ends.
func Start(t testing.TB, w *World, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("flickrtest: listen: %v", err)
	}
	s := NewServer(w, opts)
	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	t.Cleanup(s.Close)
	return s
}

// Serve serves on ln until Close; it returns http.ErrServerClosed after Close. When URL is empty
// it is set from ln before serving, so read URL only after Serve was called (or take the address
// from ln).
func (s *Server) Serve(ln net.Listener) error {
	if s.URL == "" {
		s.URL = "http://" + ln.Addr().String()
	}
	s.mu.Lock()
	if s.http == nil {
		s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	}
	srv := s.http
	s.mu.Unlock()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("flickrtest: serve: %w", err)
	}
	return http.ErrServerClosed
}

// Close stops serving and closes open connections. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
	}
}

// Handler is the simulator as an http.Handler (REST, OAuth, images, photo and profile pages,
// /_sim endpoints, home page).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if d := s.Faults().Latency; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		s.mux.ServeHTTP(rw, r)
	})
}

// World is the world this server serves.
func (s *Server) World() *World { return s.w }

// Faults returns the current faults.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// SetFaults replaces the injected faults; it applies to requests that start afterwards.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetCallsPerHour changes the per-consumer-key limit (0 means unlimited). Calls already counted stay counted.
func (s *Server) SetCallsPerHour(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callsPerHour = n
}

// Calls counts REST calls per Flickr method name since the server started, including calls that
// failed, were rate limited or hit an injected fault. OAuth endpoints count as
// "oauth.request_token", "oauth.authorize" and "oauth.access_token". The map is a copy.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

func (s *Server) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

// IssueToken mints an access token for nsid with perms "read", "write" or "delete", skipping the
// browser dance. It panics on an unknown NSID (a test bug). Like tokens from the OAuth flow, the
// token stays valid on any Server over the same world with the same consumer (see tokens.go).
func (s *Server) IssueToken(nsid, perms string) (token, secret string) {
	u, ok := s.w.byNSID[nsid]
	if !ok {
		panic("flickrtest: IssueToken for unknown user " + nsid)
	}
	return s.mintAccessToken(u, perms)
}

// RevokeToken makes an access token unknown to this Server (later calls with it get code 98).
// The revocation is not kept: a new Server over the same world accepts the token again.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[token] = true
}

// accessToken returns what token grants; ok is false for tokens this world and consumer never
// issued and for revoked ones.
func (s *Server) accessToken(token string) (accessToken, bool) {
	at, ok := s.parseAccessToken(token)
	if !ok {
		return accessToken{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return at, !s.revoked[token]
}

// newTokenLocked makes a request token and its secret (or, its secret alone, a verifier).
func (s *Server) newTokenLocked() (token, secret string) {
	s.tokenN++
	h := mix(s.w.seed ^ mix(s.tokenN) ^ uint64(s.opts.Now().UnixNano()))
	token = fmt.Sprintf("72157%012d-%016x", s.tokenN, h)
	secret = fmt.Sprintf("%016x", mix(h))
	return token, secret
}

func (s *Server) handleCalls(rw http.ResponseWriter, _ *http.Request) {
	calls := s.Calls()
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(calls)
}

// faultsJSON is the /_sim/faults wire form (durations in milliseconds).
type faultsJSON struct {
	LatencyMS      int64   `json:"latency_ms"`
	RateLimited    float64 `json:"rate_limited"`
	ServerError    float64 `json:"server_error"`
	Unavailable    float64 `json:"unavailable"`
	APIDown        float64 `json:"api_down"`
	CommentTooFast float64 `json:"comment_too_fast"`
	CommentsOff    float64 `json:"comments_off"`
	CallsPerHour   int     `json:"calls_per_hour"`
}

func (s *Server) handleGetFaults(rw http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	f, n := s.faults, s.callsPerHour
	s.mu.Unlock()
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(faultsJSON{LatencyMS: f.Latency.Milliseconds(), RateLimited: f.RateLimited,
		ServerError: f.ServerError, Unavailable: f.Unavailable, APIDown: f.APIDown,
		CommentTooFast: f.CommentTooFast, CommentsOff: f.CommentsOff, CallsPerHour: n})
}

func (s *Server) handlePutFaults(rw http.ResponseWriter, r *http.Request) {
	var in faultsJSON
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 1<<16)).Decode(&in); err != nil {
		http.Error(rw, "bad faults json", http.StatusBadRequest)
		return
	}
	s.SetFaults(Faults{Latency: time.Duration(in.LatencyMS) * time.Millisecond, RateLimited: in.RateLimited,
		ServerError: in.ServerError, Unavailable: in.Unavailable, APIDown: in.APIDown, CommentTooFast: in.CommentTooFast,
		CommentsOff: in.CommentsOff})
	s.SetCallsPerHour(in.CallsPerHour)
	s.handleGetFaults(rw, r)
}

// slidingWindow counts calls over the last hour in one-minute buckets.
type slidingWindow struct {
	minute [60]int64 // unix minute each bucket holds
	count  [60]int
}

// allow records a call at now unless limit calls already happened in the hour before it.
func (sw *slidingWindow) allow(now time.Time, limit int) bool {
	m := now.Unix() / 60
	total := 0
	for i := range sw.minute {
		if m-sw.minute[i] < 60 {
			total += sw.count[i]
		}
	}
	if total >= limit {
		return false
	}
	b := m % 60
	if sw.minute[b] != m {
		sw.minute[b], sw.count[b] = m, 0
	}
	sw.count[b]++
	return true
}

// admit applies the per-key hourly limit.
func (s *Server) admit(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.callsPerHour <= 0 {
		return true
	}
	sw := s.window[key]
	if sw == nil {
		sw = &slidingWindow{}
		for i := range sw.minute {
			sw.minute[i] = -1 << 40
		}
		s.window[key] = sw
	}
	return sw.allow(s.opts.Now(), s.callsPerHour)
}

// draw returns the fault to inject for one REST call of method, or "" for none.
func (s *Server) draw(method string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	for _, c := range []struct {
		p    float64
		name string
	}{{f.RateLimited, "429"}, {f.ServerError, "502"}, {f.Unavailable, "105"}, {f.APIDown, "201"}} {
		if c.p > 0 && s.rnd.Float64() < c.p {
			return c.name
		}
	}
	if method == "flickr.photos.comments.addComment" && f.CommentTooFast > 0 && s.rnd.Float64() < f.CommentTooFast {
		return "9"
	}
	return ""
}

// commentsOff draws Faults.CommentsOff for one addComment call.
func (s *Server) commentsOff() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.CommentsOff > 0 && s.rnd.Float64() < s.faults.CommentsOff
}

const tooManyRequestsHTML = `<html>
<head><title>429 Too Many Requests</title></head>
<body>
<center><h1>429 Too Many Requests</h1></center>
</body>
</html>
`

const badGatewayHTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
</body>
</html>
`

func writeHTML(rw http.ResponseWriter, status int, body string) {
	rw.Header().Set("Content-Type", "text/html")
	rw.WriteHeader(status)
	_, _ = rw.Write([]byte(body))
}
