package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// requestTokenStore keeps the secret of an OAuth request token between the redirect to Flickr
// and the callback. take returns it once; a missing or expired token gives errNoRequestToken.
type requestTokenStore interface {
	put(ctx context.Context, token, secret string, ttl time.Duration) error
	take(ctx context.Context, token string) (string, error)
}

var errNoRequestToken = errors.New("server: request token unknown or expired")

// redisRequestTokens keeps secrets in Redis under photorec:oauth:req:{token} with a TTL.
// Every API replica shares the Redis, so the callback may land on any replica.
type redisRequestTokens struct{ rdb redis.UniversalClient }

func (r redisRequestTokens) put(ctx context.Context, token, secret string, ttl time.Duration) error {
	if err := r.rdb.Set(ctx, "photorec:oauth:req:"+token, secret, ttl).Err(); err != nil {
		return fmt.Errorf("server: store request token: %w", err)
	}
	return nil
}

func (r redisRequestTokens) take(ctx context.Context, token string) (string, error) {
	secret, err := r.rdb.GetDel(ctx, "photorec:oauth:req:"+token).Result()
	if errors.Is(err, redis.Nil) {
		return "", errNoRequestToken
	}
	if err != nil {
		return "", fmt.Errorf("server: load request token: %w", err)
	}
	return secret, nil
}

// memoryRequestTokens is the single-replica fallback: an in-process map with expiry.
type memoryRequestTokens struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]memoryRequestToken
}

type memoryRequestToken struct {
	secret  string
	expires time.Time
}

func newMemoryRequestTokens(now func() time.Time) *memoryRequestTokens {
	return &memoryRequestTokens{now: now, m: map[string]memoryRequestToken{}}
}

func (m *memoryRequestTokens) put(_ context.Context, token, secret string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for k, v := range m.m {
		if !v.expires.After(now) {
			delete(m.m, k)
		}
	}
	m.m[token] = memoryRequestToken{secret: secret, expires: now.Add(ttl)}
	return nil
}

func (m *memoryRequestTokens) take(_ context.Context, token string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[token]
	delete(m.m, token)
	if !ok || !v.expires.After(m.now()) {
		return "", errNoRequestToken
	}
	return v.secret, nil
}

// login starts Flickr OAuth: it gets a request token, keeps its secret server side, binds the
// token to this browser's session, and redirects the whole page to Flickr (perms=write).
func (s *Server) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tok, err := s.opts.Flickr.RequestToken(ctx, s.baseURL(c)+"/login/callback")
	if err != nil {
		return fromFlickr(err)
	}
	if err := s.reqs.put(ctx, tok.Token, tok.Secret, s.opts.RequestTokenTTL); err != nil {
		return err
	}
	ss := sess(c)
	ss.Pending = tok.Token
	if err := s.saveSession(c, ss); err != nil {
		return err
	}
	return c.Redirect(s.opts.Flickr.AuthorizeURL(tok.Token), http.StatusSeeOther)
}

// loginCallback finishes OAuth: it checks the request token belongs to this browser, swaps it
// for an access token, seals that at rest, starts the user's first refresh and logs them in.
func (s *Server) loginCallback(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token, verifier := c.Query("oauth_token"), c.Query("oauth_verifier")
	ss := sess(c)
	if token == "" || verifier == "" || ss.Pending == "" || ss.Pending != token {
		return &apiError{Status: http.StatusBadRequest, Code: codeLoginFailed, Message: "this login link is not from this browser, or it was already used; log in again"}
	}
	secret, err := s.reqs.take(ctx, token)
	if errors.Is(err, errNoRequestToken) {
		return &apiError{Status: http.StatusBadRequest, Code: codeLoginFailed, Message: "the login took too long; log in again", Err: err}
	}
	if err != nil {
		return err
	}
	acc, err := s.opts.Flickr.AccessToken(ctx, flickr.Token{Token: token, Secret: secret}, verifier)
	if err != nil {
		return fromFlickr(err)
	}
	if acc.UserNSID == "" {
		return &apiError{Status: http.StatusBadGateway, Code: codeFlickrUnavailable, Message: "Flickr did not say who logged in", Err: errors.New("server: access token without user_nsid")}
	}
	sealed, err := s.tokens.sealToken(acc.UserNSID, acc.Token)
	if err != nil {
		return err
	}
	me := graph.User{NSID: acc.UserNSID, Username: acc.Username, Realname: acc.Fullname}
	// The access token names the user but not their buddy icon: ask once, best effort (the
	// login works without it; the page then shows the placeholder).
	if p, err := s.opts.Flickr.PersonInfo(ctx, acc.UserNSID); err != nil {
		s.log.Warn("buddy icon after login", "user_nsid", acc.UserNSID, "err", err.Error())
	} else {
		me.IconURL = p.IconURL
	}
	if err := s.opts.Graph.UpsertUsers(ctx, []graph.User{me}); err != nil {
		return fmt.Errorf("server: save user %s: %w", acc.UserNSID, err)
	}
	if err := s.opts.Graph.PutToken(ctx, acc.UserNSID, sealed); err != nil {
		return fmt.Errorf("server: save token of %s: %w", acc.UserNSID, err)
	}
	if err := s.opts.Graph.Register(ctx, acc.UserNSID); err != nil {
		return fmt.Errorf("server: register %s: %w", acc.UserNSID, err)
	}
	if _, err := s.opts.Pipeline.Refresh(ctx, acc.UserNSID, runs.ReasonLogin); err != nil {
		// The login itself worked; the scheduler will pull the user later.
		s.log.Warn("refresh after login failed", "user_nsid", acc.UserNSID, "err", err.Error())
	}
	// A new session on login: a new id, fresh CSRF token, no pending login. A session this
	// browser was logged in with ends.
	if ss.loggedIn() {
		if _, err := s.live.end(ctx, ss.NSID, ss.ID, s.opts.Now()); err != nil {
			return err
		}
	}
	name := acc.Fullname
	if name == "" {
		name = acc.Username
	}
	id := randomToken()
	if err := s.live.start(ctx, acc.UserNSID, id, s.opts.Now(), s.opts.SessionTTL); err != nil {
		return err
	}
	if err := s.saveSession(c, &session{NSID: acc.UserNSID, ID: id, Username: acc.Username, Name: name, CSRF: randomToken()}); err != nil {
		return err
	}
	s.log.Info("user logged in", "user_nsid", acc.UserNSID)
	return c.Redirect("/u/"+acc.UserNSID, http.StatusSeeOther)
}

// logout ends this session server-side (its cookie no longer logs anyone in), forgets the
// stored Flickr token when it was the member's last live session, and starts a fresh anonymous
// session.
func (s *Server) logout(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ss := sess(c)
	if ss.loggedIn() {
		left, err := s.live.end(ctx, ss.NSID, ss.ID, s.opts.Now())
		if err != nil {
			return err
		}
		if left == 0 {
			if err := s.deleteToken(ctx, ss.NSID); err != nil {
				return err
			}
		}
		s.log.Info("user logged out", "user_nsid", ss.NSID, "sessions_left", left)
	}
	return s.loggedOut(c)
}

// logoutEverywhere ends every session of the logged-in member, on every browser, forgets the
// stored Flickr token, and starts a fresh anonymous session here.
func (s *Server) logoutEverywhere(c *fiber.Ctx) error {
	ss, err := requireLogin(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := s.live.endAll(ctx, ss.NSID); err != nil {
		return err
	}
	if err := s.deleteToken(ctx, ss.NSID); err != nil {
		return err
	}
	s.log.Info("user logged out everywhere", "user_nsid", ss.NSID)
	return s.loggedOut(c)
}

func (s *Server) deleteToken(ctx context.Context, nsid string) error {
	if err := s.opts.Graph.DeleteToken(ctx, nsid); err != nil && !errors.Is(err, graph.ErrNotFound) {
		return fmt.Errorf("server: delete token of %s: %w", nsid, err)
	}
	return nil
}

// loggedOut answers a logout with a new anonymous session: 204 on the API, else a redirect home.
func (s *Server) loggedOut(c *fiber.Ctx) error {
	if err := s.saveSession(c, &session{CSRF: randomToken()}); err != nil {
		return err
	}
	if isAPIPath(c.Path()) {
		return c.SendStatus(http.StatusNoContent)
	}
	return c.Redirect("/", http.StatusSeeOther)
}

// userToken opens the logged-in user's stored Flickr token. A missing or unreadable token
// means the user must log in again.
func (s *Server) userToken(ctx context.Context, nsid string) (flickr.Token, error) {
	sealed, err := s.opts.Graph.Token(ctx, nsid)
	if errors.Is(err, graph.ErrNotFound) {
		return flickr.Token{}, &apiError{Status: http.StatusUnauthorized, Code: codeFlickrTokenInvalid, Message: "log in with Flickr again", Err: err}
	}
	if err != nil {
		return flickr.Token{}, fmt.Errorf("server: token of %s: %w", nsid, err)
	}
	tok, err := s.tokens.openToken(nsid, sealed)
	if err != nil {
		return flickr.Token{}, &apiError{Status: http.StatusUnauthorized, Code: codeFlickrTokenInvalid, Message: "log in with Flickr again", Err: err}
	}
	return tok, nil
}

// baseURL is Options.BaseURL, or the request's own scheme and host.
func (s *Server) baseURL(c *fiber.Ctx) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	return c.Protocol() + "://" + c.Hostname()
}

// sessionInfo is GET /api/v1/session: who is logged in and the CSRF token for API clients.
func (s *Server) sessionInfo(c *fiber.Ctx) error {
	ss := sess(c)
	out := sessionJSON{LoggedIn: ss.loggedIn(), CSRFToken: ss.CSRF}
	if ss.loggedIn() {
		out.User = &userJSON{NSID: ss.NSID, Username: ss.Username, Name: ss.Name}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

type sessionJSON struct {
	LoggedIn  bool      `json:"logged_in"`
	User      *userJSON `json:"user,omitempty"`
	CSRFToken string    `json:"csrf_token"`
}
