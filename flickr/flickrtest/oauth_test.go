package flickrtest

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
	"github.com/google/go-cmp/cmp"
)

func oauthConfig(s *Server, callback string) *oauth1.Config {
	return &oauth1.Config{
		ConsumerKey: DefaultConsumerKey, ConsumerSecret: DefaultConsumerSecret, CallbackURL: callback,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: s.URL + "/services/oauth/request_token",
			AuthorizeURL:    s.URL + "/services/oauth/authorize?perms=write",
			AccessTokenURL:  s.URL + "/services/oauth/access_token",
		},
	}
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorized is what authorizeAs saw: the response status and its redirect target.
type authorized struct {
	status   int
	location string
}

// authorizeAs submits the authorize form the way a browser would and returns the status and redirect target.
func authorizeAs(t *testing.T, s *Server, requestToken, perms string, form url.Values) authorized {
	t.Helper()
	form.Set("oauth_token", requestToken)
	form.Set("perms", perms)
	resp, err := noRedirect.PostForm(s.URL+"/services/oauth/authorize", form)
	if err != nil {
		t.Fatalf("post authorize: %v", err)
	}
	resp.Body.Close()
	return authorized{status: resp.StatusCode, location: resp.Header.Get("Location")}
}

func TestOAuthDanceWithDghubble(t *testing.T) {
	w := TinyWorld(11)
	s := Start(t, w, Options{})
	me := heavyUser(t, w, 20)
	cfg := oauthConfig(s, "http://app.example/callback?x=1")

	reqTok, reqSec, err := cfg.RequestToken()
	if err != nil {
		t.Fatalf("RequestToken: %v", err)
	}
	authURL, err := cfg.AuthorizationURL(reqTok)
	if err != nil {
		t.Fatal(err)
	}
	page := do(t, nil, mustRequest(t, http.MethodGet, authURL.String()))
	for _, id := range []string{`id="authorize-form"`, `id="login-as"`, `id="authorize"`, `id="cancel"`, `id="pick-0"`, `value="write"`} {
		if !strings.Contains(page.body, id) {
			t.Errorf("authorize page lacks %s", id)
		}
	}

	resp := authorizeAs(t, s, reqTok, "write", url.Values{"action": {"authorize"}, "login_as": {me.Username}})
	loc, err := url.Parse(resp.location)
	if err != nil || resp.status != http.StatusSeeOther {
		t.Fatalf("authorize: status %d location %q", resp.status, resp.location)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != "http://app.example/callback" || loc.Query().Get("x") != "1" {
		t.Errorf("callback %s, want http://app.example/callback keeping x=1", loc)
	}
	if loc.Query().Get("oauth_token") != reqTok {
		t.Errorf("callback oauth_token %q, want %q", loc.Query().Get("oauth_token"), reqTok)
	}

	accTok, accSec, err := cfg.AccessToken(reqTok, reqSec, loc.Query().Get("oauth_verifier"))
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	c := cfg.Client(context.Background(), oauth1.NewToken(accTok, accSec))
	m := signedGet(t, s, c, "flickr.test.login").json(t)
	if diff := cmp.Diff(map[string]any{"id": me.NSID, "name": me.Username},
		map[string]any{"id": path(t, m, "user", "id"), "name": path(t, m, "user", "username", "_content")}); diff != "" {
		t.Errorf("test.login (-want +got):\n%s", diff)
	}

	// The request token is single use.
	if _, _, err := cfg.AccessToken(reqTok, reqSec, loc.Query().Get("oauth_verifier")); err == nil {
		t.Errorf("second AccessToken with the same request token succeeded")
	}
}

func TestAccessTokenReplyBody(t *testing.T) {
	w := TinyWorld(12)
	s := Start(t, w, Options{})
	me := w.Users()[0]
	cfg := oauthConfig(s, "oob")
	reqTok, reqSec, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	resp := authorizeAs(t, s, reqTok, "read", url.Values{"pick": {me.NSID}})
	if resp.status != http.StatusOK {
		t.Fatalf("oob authorize: status %d, want the verifier page", resp.status)
	}
	s.mu.Lock()
	verifier := s.reqTokens[reqTok].verifier
	s.mu.Unlock()

	// Do the access-token POST by hand, signed with dghubble's signer, to see the whole body.
	req := mustRequest(t, http.MethodPost, cfg.Endpoint.AccessTokenURL)
	req.Header.Set("Authorization", oauthHeader(t, req, map[string]string{"oauth_token": reqTok, "oauth_verifier": verifier}, reqSec))
	r := do(t, nil, req)
	if r.status != http.StatusOK || !strings.HasPrefix(r.ctype, "text/plain") {
		t.Fatalf("access_token: %d %s %q", r.status, r.ctype, r.body)
	}
	vals, err := url.ParseQuery(r.body)
	if err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(r.body, "&")
	for i := range keys {
		keys[i], _, _ = strings.Cut(keys[i], "=")
	}
	if diff := cmp.Diff([]string{"fullname", "oauth_token", "oauth_token_secret", "user_nsid", "username"}, keys); diff != "" {
		t.Errorf("access_token keys in order (-want +got):\n%s", diff)
	}
	if vals.Get("user_nsid") != me.NSID || vals.Get("username") != me.Username || vals.Get("fullname") != me.Realname {
		t.Errorf("access_token identity %v, want %s %s %s", vals, me.NSID, me.Username, me.Realname)
	}
}

// oauthHeader signs req (whose parameters are all in extra) with dghubble's HMAC signer and
// returns the Authorization header value.
func oauthHeader(t *testing.T, req *http.Request, extra map[string]string, tokenSecret string) string {
	t.Helper()
	return oauthHeaderWith(t, req, extra, DefaultConsumerSecret, tokenSecret)
}

// oauthHeaderWith is oauthHeader signing with consumerSecret.
func oauthHeaderWith(t *testing.T, req *http.Request, extra map[string]string, consumerSecret, tokenSecret string) string {
	t.Helper()
	params := map[string]string{"oauth_consumer_key": DefaultConsumerKey, "oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp": "1700000000", "oauth_nonce": "n1", "oauth_version": "1.0"}
	for k, v := range extra {
		params[k] = v
	}
	base := req.Method + "&" + percentEncode(req.URL.String()) + "&" + percentEncode(sortedParams(params))
	sig, err := (&oauth1.HMACSigner{ConsumerSecret: consumerSecret}).Sign(tokenSecret, base)
	if err != nil {
		t.Fatal(err)
	}
	params["oauth_signature"] = sig
	var hdr []string
	for k, v := range params {
		hdr = append(hdr, k+`="`+percentEncode(v)+`"`)
	}
	return "OAuth " + strings.Join(hdr, ", ")
}

func sortedParams(p map[string]string) string {
	var pairs []string
	for k, v := range p {
		pairs = append(pairs, percentEncode(k)+"="+percentEncode(v))
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// tamper is a RoundTripper that changes a request after dghubble signed it.
type tamper struct {
	next http.RoundTripper
	edit func(*http.Request)
}

func (tp tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	tp.edit(r)
	return tp.next.RoundTrip(r)
}

func TestSignatureChecks(t *testing.T) {
	w := TinyWorld(13)
	s := Start(t, w, Options{})
	me := heavyUser(t, w, 5)
	readTok, readSec := s.IssueToken(me.NSID, "read")
	writeTok, writeSec := s.IssueToken(me.NSID, "write")
	photo := w.FavesOf(me.NSID)[0].PhotoID

	tampered := signedClient(writeTok, writeSec)
	tampered.Transport.(*oauth1.Transport).Base = tamper{next: http.DefaultTransport, edit: func(r *http.Request) {
		q := r.URL.Query()
		q.Set("photo_id", photo+"0")
		r.URL.RawQuery = q.Encode()
	}}
	tests := []struct {
		name       string
		client     *http.Client
		post       bool
		method     string
		params     []string
		wantStatus int
		wantCode   int
	}{
		{"signed GET read", signedClient(readTok, readSec), false, "flickr.test.login", nil, 200, 0},
		{"signed POST body", signedClient(writeTok, writeSec), true, "flickr.favorites.remove", []string{"photo_id", photo}, 200, 0},
		{"signed with unicode param", signedClient(writeTok, writeSec), true, "flickr.photos.comments.addComment", []string{"photo_id", photo, "comment_text", "Très beau ~ 100% *"}, 200, 0},
		{"tampered after signing", tampered, false, "flickr.favorites.remove", []string{"photo_id", photo}, 401, 0},
		{"wrong token secret", signedClient(writeTok, "nope"), true, "flickr.favorites.add", []string{"photo_id", photo}, 401, 0},
		{"unknown token", signedClient("72157-unknown", "x"), false, "flickr.test.login", nil, 200, 98},
		{"read token on write method", signedClient(readTok, readSec), true, "flickr.favorites.add", []string{"photo_id", photo}, 200, 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r reply
			if tt.post {
				r = signedPost(t, s, tt.client, tt.method, tt.params...)
			} else {
				r = signedGet(t, s, tt.client, tt.method, tt.params...)
			}
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus == http.StatusUnauthorized {
				if !strings.HasPrefix(r.ctype, "text/plain") || !strings.HasPrefix(r.body, "oauth_problem=signature_invalid&debug_sbs=") {
					t.Errorf("401 reply %s %q, want text/plain oauth_problem=signature_invalid", r.ctype, r.body)
				}
				return
			}
			if got := failCode(t, r); got != tt.wantCode {
				t.Errorf("code %d, want %d: %s", got, tt.wantCode, r.body)
			}
		})
	}
}

func TestRequestTokenChecks(t *testing.T) {
	s := Start(t, TinyWorld(14), Options{})
	endpoint := s.URL + "/services/oauth/request_token"
	tests := []struct {
		name       string
		key        string            // consumer key of the request
		secret     string            // consumer secret it is signed with
		params     map[string]string // oauth parameters besides the defaults of oauthHeader
		drop       []string          // parameters removed from the header after signing
		wantStatus int
		wantBody   string // prefix
	}{
		{"unknown consumer", "someone-else", DefaultConsumerSecret, map[string]string{"oauth_callback": "oob"}, nil,
			401, "oauth_problem=consumer_key_unknown"},
		{"wrong consumer secret", DefaultConsumerKey, "wrong", map[string]string{"oauth_callback": "oob"}, nil,
			401, "oauth_problem=signature_invalid&debug_sbs="},
		{"no callback", DefaultConsumerKey, DefaultConsumerSecret, nil, nil,
			400, "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_callback"},
		{"no oauth parameters at all", DefaultConsumerKey, DefaultConsumerSecret, nil,
			[]string{"oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp"},
			400, "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_consumer_key%26oauth_signature%26oauth_signature_method%26oauth_nonce%26oauth_timestamp%26oauth_callback"},
		{"PLAINTEXT signature", DefaultConsumerKey, DefaultConsumerSecret,
			map[string]string{"oauth_callback": "oob", "oauth_signature_method": "PLAINTEXT"}, nil,
			400, "oauth_problem=signature_method_rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustRequest(t, http.MethodPost, endpoint)
			params := map[string]string{"oauth_consumer_key": tt.key}
			for k, v := range tt.params {
				params[k] = v
			}
			hdr := oauthHeaderWith(t, req, params, tt.secret, "")
			for _, k := range tt.drop {
				hdr = regexp.MustCompile(`,? ?`+k+`="[^"]*"`).ReplaceAllString(hdr, "")
			}
			if strings.TrimSpace(hdr) != "OAuth" {
				req.Header.Set("Authorization", hdr)
			}
			r := do(t, nil, req)
			if r.status != tt.wantStatus || !strings.HasPrefix(r.body, tt.wantBody) || !strings.HasPrefix(r.ctype, "text/plain") {
				t.Errorf("got %d %s %q, want %d text/plain %s", r.status, r.ctype, r.body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	// dghubble's client gets an error, not a token, from the 401
	cfg := oauthConfig(s, "oob")
	cfg.ConsumerSecret = "wrong"
	if _, _, err := cfg.RequestToken(); err == nil {
		t.Errorf("RequestToken with a wrong secret succeeded")
	}
}

// TestMalformedOAuthIs400 checks the problems of a malformed request, which Flickr answers with
// HTTP 400 (not 401): on a signed REST call and on the access-token step.
func TestMalformedOAuthIs400(t *testing.T) {
	w := TinyWorld(16)
	s := Start(t, w, Options{})
	tok, sec := s.IssueToken(w.Users()[0].NSID, "read")
	rest := func(params map[string]string) reply {
		req := mustRequest(t, http.MethodGet, s.URL+"/services/rest/")
		q := map[string]string{"format": "json", "method": "flickr.test.login", "nojsoncallback": "1", "oauth_token": tok}
		for k, v := range params {
			q[k] = v
		}
		req.Header.Set("Authorization", oauthHeader(t, req, q, sec))
		return do(t, nil, req)
	}
	if r := rest(nil); r.status != http.StatusOK {
		t.Fatalf("well-formed signed call: %d %s", r.status, r.body)
	}
	cfg := oauthConfig(s, "oob")
	reqTok, _, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	access := mustRequest(t, http.MethodPost, s.URL+"/services/oauth/access_token")
	access.Header.Set("Authorization", oauthHeader(t, access, map[string]string{"oauth_token": reqTok}, ""))
	tests := []struct {
		name     string
		r        reply
		wantBody string
	}{
		{"rest, PLAINTEXT", rest(map[string]string{"oauth_signature_method": "PLAINTEXT"}), "oauth_problem=signature_method_rejected"},
		{"rest, no nonce", rest(map[string]string{"oauth_nonce": ""}), "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_nonce"},
		{"access token, no verifier", do(t, nil, access), "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_verifier"},
	}
	for _, tt := range tests {
		if tt.r.status != http.StatusBadRequest || tt.r.body != tt.wantBody {
			t.Errorf("%s: %d %q, want 400 %q", tt.name, tt.r.status, tt.r.body, tt.wantBody)
		}
	}
}

func TestAuthorizeCancelAndUnknownUser(t *testing.T) {
	s := Start(t, TinyWorld(15), Options{})
	cfg := oauthConfig(s, "http://app.example/cb")
	reqTok, _, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	resp := authorizeAs(t, s, reqTok, "write", url.Values{"action": {"cancel"}})
	if resp.status != http.StatusSeeOther || resp.location != "/" {
		t.Errorf("cancel: %d to %q, want 303 to the simulator home page", resp.status, resp.location)
	}
	page := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/services/oauth/authorize?oauth_token="+url.QueryEscape(reqTok)))
	if !strings.Contains(page.body, `value="read"`) {
		t.Errorf("authorize without perms should default to read")
	}
	form := url.Values{"oauth_token": {reqTok}, "perms": {"write"}, "action": {"authorize"}, "login_as": {"no-such-person"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/services/oauth/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := do(t, noRedirect, req)
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="auth-error"`) {
		t.Errorf("unknown login_as: status %d, want the page again with #auth-error", r.status)
	}
}
