package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
)

// sessionCookie is the name of the encrypted session cookie.
const sessionCookie = "photorec_session"

// csrfHeader and csrfField carry the synchronizer token on state-changing requests.
const (
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
)

// session is the cookie's plaintext. Every visitor has one (anonymous when NSID is ""), so
// that every form and fetch can carry a CSRF token. A logged-in session also has an ID, and
// counts only while the session store (sessionStore) holds that ID for NSID.
type session struct {
	NSID     string `json:"n,omitempty"`
	ID       string `json:"i,omitempty"`
	Username string `json:"u,omitempty"`
	Name     string `json:"m,omitempty"` // display name: full name, else username
	CSRF     string `json:"c"`
	// Pending is the request token of a login this browser started: the callback must match it.
	Pending string `json:"p,omitempty"`
	Expires int64  `json:"e"`
}

// loggedIn reports whether the session belongs to a Flickr user.
func (ss *session) loggedIn() bool { return ss.NSID != "" }

const sessionKey = "photorec.session"

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("server: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loadSession opens the session cookie, or starts an anonymous session when it is missing,
// expired, altered, or logged in but ended server-side (logout, logout everywhere). The session
// is stored in c.Locals for the handlers.
func (s *Server) loadSession(c *fiber.Ctx) error {
	ss := s.openSession(c.Cookies(sessionCookie))
	if ss != nil && ss.loggedIn() {
		live, err := s.live.live(c.UserContext(), ss.NSID, ss.ID, s.opts.Now())
		if err != nil {
			return err
		}
		if !live {
			ss = nil
		}
	}
	if ss == nil {
		ss = &session{CSRF: randomToken()}
		if err := s.saveSession(c, ss); err != nil {
			return err
		}
	}
	c.Locals(sessionKey, ss)
	return c.Next()
}

func (s *Server) openSession(cookie string) *session {
	if cookie == "" {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		return nil
	}
	plain, err := s.sessions.open(raw, "")
	if err != nil {
		return nil
	}
	var ss session
	if err := json.Unmarshal(plain, &ss); err != nil || ss.CSRF == "" {
		return nil
	}
	if time.Unix(ss.Expires, 0).Before(s.opts.Now()) {
		return nil
	}
	return &ss
}

// saveSession seals ss into the cookie (HttpOnly, SameSite=Lax, Secure per Options).
func (s *Server) saveSession(c *fiber.Ctx, ss *session) error {
	ss.Expires = s.opts.Now().Add(s.opts.SessionTTL).Unix()
	plain, err := json.Marshal(ss)
	if err != nil {
		return err
	}
	sealed, err := s.sessions.seal(plain, "")
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name:     sessionCookie,
		Value:    base64.RawURLEncoding.EncodeToString(sealed),
		Path:     "/",
		MaxAge:   int(s.opts.SessionTTL / time.Second),
		Secure:   s.opts.Secure,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Locals(sessionKey, ss)
	return nil
}

// sess returns the request's session (loadSession always sets one).
func sess(c *fiber.Ctx) *session {
	if ss, ok := c.Locals(sessionKey).(*session); ok {
		return ss
	}
	return &session{}
}

// checkCSRF rejects a state-changing request whose token (header or form field) does not match
// the session's.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	want := sess(c).CSRF
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return c.Next()
}

// requireLogin returns the logged-in session or an unauthenticated error.
func requireLogin(c *fiber.Ctx) (*session, error) {
	ss := sess(c)
	if !ss.loggedIn() {
		return nil, errUnauthenticated
	}
	return ss, nil
}

// requireSelf allows only the logged-in owner of nsid's recommendations.
func requireSelf(c *fiber.Ctx, nsid string) error {
	ss, err := requireLogin(c)
	if err != nil {
		return err
	}
	if ss.NSID != nsid {
		return errForbidden
	}
	return nil
}
