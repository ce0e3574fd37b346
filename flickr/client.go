package flickr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dghubble/oauth1"
)

// Observer receives metrics; the worker feeds Prometheus with it. Implementations must be safe
// for concurrent use and fast (they are called inline).
type Observer interface {
	// Call is reported once per HTTP attempt: method is the Flickr method or OAuth step,
	// outcome one of ok, not_found, api_error, unavailable, rate_limited, unauthorized,
	// server_error, http_error, network_error, error.
	Call(method, outcome string, d time.Duration)
	// Wait is reported once per attempt with the time spent in the rate limiter (often 0).
	Wait(lane Lane, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) Call(string, string, time.Duration) {}
func (nopObserver) Wait(Lane, time.Duration)           {}

// Options configures New. Zero values take the documented defaults.
type Options struct {
	APIKey    string // required: the app's key (also the OAuth consumer key)
	APISecret string // the app's secret; required for OAuth and signed calls
	// APIBase is the REST endpoint; default "https://api.flickr.com/services/rest/".
	APIBase string
	// OAuthBase holds request_token, authorize and access_token; default
	// "https://www.flickr.com/services/oauth/".
	OAuthBase string
	// HTTPClient sends every request; default a client with a 30s timeout.
	HTTPClient *http.Client
	// Limiter meters every HTTP attempt (retries included); default Unlimited, which is only
	// right for tests: production passes NewRedisLimiter.
	Limiter Limiter
	// MaxRetries bounds the retries after a first failed attempt; 0 means 4, negative none.
	MaxRetries int
	// BaseBackoff and MaxBackoff shape the exponential backoff with full jitter: before retry
	// n (0-based) sleep a random time in [0, min(MaxBackoff, BaseBackoff*2^n)].
	// Defaults 500ms and 30s.
	BaseBackoff, MaxBackoff time.Duration
	// Logger receives retry notices at debug level; default discards.
	Logger *slog.Logger
	// Metrics observes calls and limiter waits; default none.
	Metrics Observer
	// IconBase, when set, replaces Flickr's static hosts in buddy-icon URLs: icons become
	// IconBase+"{iconserver}/buddyicons/{nsid}.jpg" and the default icon IconBase+"buddyicon.gif".
	// The demo points it at the simulator's /img/; "" keeps Flickr's rule (BuddyIconURL).
	IconBase string
}

// Client is a Flickr REST client. It is safe for concurrent use. Every HTTP attempt (retries and
// OAuth token steps included) first waits for the Limiter in the lane of its ctx (WithLane):
// code serving a person who waits, such as an HTTP handler, should use Interactive (a member)
// or Anonymous (a visitor), and bound the wait with WithMaxWait.
type Client struct {
	key, secret string
	apiBase     string
	oauthBase   string
	http        *http.Client
	limiter     Limiter
	maxRetries  int
	base, max   time.Duration
	log         *slog.Logger
	obs         Observer
	iconBase    string
}

// New returns a client. It fails when APIKey is empty or a base URL does not parse.
func New(o Options) (*Client, error) {
	if o.APIKey == "" {
		return nil, errors.New("flickr: Options.APIKey is empty")
	}
	if o.APIBase == "" {
		o.APIBase = "https://api.flickr.com/services/rest/"
	}
	if o.OAuthBase == "" {
		o.OAuthBase = "https://www.flickr.com/services/oauth/"
	}
	if !strings.HasSuffix(o.OAuthBase, "/") {
		o.OAuthBase += "/"
	}
	for _, u := range []string{o.APIBase, o.OAuthBase} {
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			return nil, fmt.Errorf("flickr: base url %q is not absolute", u)
		}
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 4
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = nopObserver{}
	}
	if o.Limiter == nil {
		o.Logger.Warn("flickr client without a rate limiter: calls are not metered")
		o.Limiter = Unlimited
	}
	return &Client{
		key: o.APIKey, secret: o.APISecret,
		apiBase: o.APIBase, oauthBase: o.OAuthBase,
		http: o.HTTPClient, limiter: o.Limiter, maxRetries: o.MaxRetries,
		base: o.BaseBackoff, max: o.MaxBackoff,
		log: o.Logger, obs: o.Metrics, iconBase: o.IconBase,
	}, nil
}

// retryPolicy says which failures a call may repeat.
type retryPolicy int

const (
	// retryAll repeats every retryable failure (reads, idempotent writes).
	retryAll retryPolicy = iota
	// retryUnsent repeats only failures that prove the request was not carried out
	// (429, codes 105/201/0): for calls that must not run twice, like posting a comment.
	retryUnsent
)

func (p retryPolicy) allows(err error) bool {
	if !IsRetryable(err) {
		return false
	}
	if p == retryAll {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code != 106
	}
	return errors.Is(err, ErrRateLimited)
}

// attempt runs fn under the limiter, retrying per policy with backoff, bounded by ctx and
// MaxRetries. The error of the last attempt is returned.
func (c *Client) attempt(ctx context.Context, name string, policy retryPolicy, fn func(ctx context.Context) error) error {
	lane := LaneOf(ctx)
	for n := 0; ; n++ {
		start := time.Now()
		if err := c.wait(ctx, lane); err != nil {
			return fmt.Errorf("%s: waiting for rate limit: %w", name, err)
		}
		c.obs.Wait(lane, time.Since(start))
		start = time.Now()
		err := fn(ctx)
		c.obs.Call(name, outcome(err), time.Since(start))
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || n >= c.maxRetries || !policy.allows(err) {
			return err
		}
		d := c.backoff(n)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return err
		}
		if until, ok := waitUntil(ctx); ok && time.Until(until) < d {
			return err
		}
		c.log.DebugContext(ctx, "flickr call retry", "method", name, "attempt", n+1,
			"backoff_ms", d.Milliseconds(), "err", err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// wait waits for the limiter within the bound of WithMaxWait, if any: past it, ErrBusy.
func (c *Client) wait(ctx context.Context, lane Lane) error {
	until, ok := waitUntil(ctx)
	if !ok {
		return c.limiter.Wait(ctx, lane)
	}
	wctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	err := c.limiter.Wait(wctx, lane)
	if err != nil && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded) {
		return ErrBusy
	}
	return err
}

func (c *Client) backoff(n int) time.Duration {
	ceil := c.base << min(n, 30)
	if ceil <= 0 || ceil > c.max {
		ceil = c.max
	}
	return rand.N(ceil + 1)
}

// call is one REST method: unsigned (api_key) or OAuth-signed with tok; GET with params in the
// query, or POST with params in the form body. It returns the checked reply body.
type call struct {
	method string
	params url.Values
	token  *Token // nil: unsigned
	post   bool
	policy retryPolicy
}

const maxBody = 32 << 20

func (c *Client) rest(ctx context.Context, m call) ([]byte, error) {
	var body []byte
	err := c.attempt(ctx, m.method, m.policy, func(ctx context.Context) error {
		b, err := c.restOnce(ctx, m)
		body = b
		return err
	})
	return body, err
}

func (c *Client) restOnce(ctx context.Context, m call) ([]byte, error) {
	if m.token != nil && c.secret == "" {
		return nil, fmt.Errorf("%s: signed call needs Options.APISecret", m.method)
	}
	v := url.Values{}
	for k, vs := range m.params {
		v[k] = vs
	}
	v.Set("method", m.method)
	v.Set("format", "json")
	v.Set("nojsoncallback", "1")
	if m.token == nil {
		v.Set("api_key", c.key)
	}
	var req *http.Request
	var err error
	if m.post {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.apiBase, strings.NewReader(v.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.apiBase+"?"+v.Encode(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", m.method, err)
	}
	hc := c.http
	if m.token != nil {
		hc = c.oauthConfig("").Client(context.WithValue(ctx, oauth1.HTTPClient, c.http),
			oauth1.NewToken(m.token.Token, m.token.Secret))
		hc.Timeout = c.http.Timeout
	}
	status, body, err := c.send(hc, req, m.method)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, statusError(m.method, status, body)
	}
	return checkReply(m.method, body)
}

// send does the request and reads the whole body; transport failures become *netError.
func (c *Client) send(hc *http.Client, req *http.Request, name string) (int, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, &netError{method: name, err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, &netError{method: name, err: err}
	}
	return resp.StatusCode, body, nil
}

// statusError turns a non-200 reply into *HTTPError, keeping the oauth_problem of a 401 or 400
// (Flickr sends 400 for a missing OAuth parameter), never the debug_sbs, which repeats the
// signed request.
func statusError(name string, status int, body []byte) error {
	e := &HTTPError{Method: name, Status: status}
	if status == http.StatusUnauthorized || status == http.StatusBadRequest {
		if v, err := url.ParseQuery(strings.TrimSpace(string(body))); err == nil {
			e.Problem = v.Get("oauth_problem")
		}
	}
	return e
}
