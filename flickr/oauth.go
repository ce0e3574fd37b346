package flickr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dghubble/oauth1"
)

// oauthConfig is dghubble's consumer config for this key; callback is only used by
// RequestToken.
func (c *Client) oauthConfig(callback string) *oauth1.Config {
	return &oauth1.Config{
		ConsumerKey:    c.key,
		ConsumerSecret: c.secret,
		CallbackURL:    callback,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: c.oauthBase + "request_token",
			AuthorizeURL:    c.oauthBase + "authorize?perms=write",
			AccessTokenURL:  c.oauthBase + "access_token",
		},
	}
}

// captureTransport binds dghubble's context-less token requests to ctx and keeps the reply
// (dghubble's own parsing drops the status class and the access-token user fields).
type captureTransport struct {
	ctx    context.Context
	base   http.RoundTripper
	status int
	body   []byte
}

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req.WithContext(t.ctx))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.status, t.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// tokenStep runs one signed token request through dghubble (signing and POST), under the
// limiter and retries, and returns the raw reply body of a 200.
func (c *Client) tokenStep(ctx context.Context, name string, do func(cfg *oauth1.Config) error, callback string) ([]byte, error) {
	if c.secret == "" {
		return nil, fmt.Errorf("flickr: %s: Options.APISecret is empty", name)
	}
	var body []byte
	err := c.attempt(ctx, name, retryAll, func(ctx context.Context) error {
		ct := &captureTransport{ctx: ctx, base: c.http.Transport}
		cfg := c.oauthConfig(callback)
		cfg.HTTPClient = &http.Client{Transport: ct, Timeout: c.http.Timeout}
		err := do(cfg)
		switch {
		case ct.status == 0 && err != nil:
			return &netError{method: name, err: err}
		case ct.status != http.StatusOK && ct.status != http.StatusCreated:
			return statusError(name, ct.status, ct.body)
		case err != nil:
			return fmt.Errorf("%s: %w", name, err)
		}
		body = ct.body
		return nil
	})
	return body, err
}

// RequestToken gets a request token (OAuth step 1), with callbackURL as oauth_callback
// ("oob" for a copy-the-code flow). It is a call against the rate limit.
func (c *Client) RequestToken(ctx context.Context, callbackURL string) (Token, error) {
	var tok Token
	_, err := c.tokenStep(ctx, "oauth.request_token", func(cfg *oauth1.Config) error {
		t, s, err := cfg.RequestToken()
		tok = Token{Token: t, Secret: s}
		return err
	}, callbackURL)
	if err != nil {
		return Token{}, fmt.Errorf("flickr: request token: %w", err)
	}
	return tok, nil
}

// AuthorizeURL is the page a person is sent to (OAuth step 2); it asks for perms=write
// (faves and comments need it).
func (c *Client) AuthorizeURL(requestToken string) string {
	u, err := c.oauthConfig("").AuthorizationURL(requestToken)
	if err != nil {
		return c.oauthBase + "authorize?" + url.Values{"oauth_token": {requestToken}, "perms": {"write"}}.Encode()
	}
	return u.String()
}

// AccessToken exchanges an authorized request token and its verifier for an access token
// (OAuth step 3), keeping the reply's user_nsid, username and fullname. It fails when the
// reply names no user.
func (c *Client) AccessToken(ctx context.Context, req Token, verifier string) (AccessToken, error) {
	body, err := c.tokenStep(ctx, "oauth.access_token", func(cfg *oauth1.Config) error {
		_, _, err := cfg.AccessToken(req.Token, req.Secret, verifier)
		return err
	}, "")
	if err != nil {
		return AccessToken{}, fmt.Errorf("flickr: access token: %w", err)
	}
	at, err := parseAccessToken(body)
	if err != nil {
		return AccessToken{}, fmt.Errorf("flickr: access token: %w", err)
	}
	return at, nil
}

// parseAccessToken reads the text/plain access-token reply.
func parseAccessToken(body []byte) (AccessToken, error) {
	v, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return AccessToken{}, fmt.Errorf("parse reply: %w", err)
	}
	at := AccessToken{
		Token:    Token{Token: v.Get("oauth_token"), Secret: v.Get("oauth_token_secret")},
		UserNSID: v.Get("user_nsid"),
		Username: v.Get("username"),
		Fullname: v.Get("fullname"),
	}
	if at.Token.Token == "" || at.Secret == "" {
		return AccessToken{}, errors.New("reply has no oauth_token or oauth_token_secret")
	}
	if at.UserNSID == "" {
		return AccessToken{}, errors.New("reply has no user_nsid")
	}
	return at, nil
}
