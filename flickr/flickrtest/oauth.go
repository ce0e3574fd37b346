package flickrtest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// signedRequest is a request's parameters gathered the way OAuth 1.0a signs them: query string,
// form body and the Authorization header's oauth_* parameters.
type signedRequest struct {
	params    url.Values // every parameter except oauth_signature and realm
	signature string     // oauth_signature, "" when unsigned
}

func (sr signedRequest) get(k string) string { return sr.params.Get(k) }

// gather collects parameters from query, urlencoded body and Authorization header.
func gather(r *http.Request) (signedRequest, error) {
	sr := signedRequest{params: url.Values{}}
	for k, vs := range r.URL.Query() {
		sr.params[k] = append(sr.params[k], vs...)
	}
	if r.Body != nil && (r.Method == http.MethodPost || r.Method == http.MethodPut) {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "application/x-www-form-urlencoded" {
			if err := r.ParseForm(); err != nil {
				return sr, err
			}
			for k, vs := range r.PostForm {
				sr.params[k] = append(sr.params[k], vs...)
			}
		}
	}
	if h := r.Header.Get("Authorization"); len(h) > 6 && strings.EqualFold(h[:6], "OAuth ") {
		for part := range strings.SplitSeq(h[6:], ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			k, _ = url.PathUnescape(k)
			v, _ = url.PathUnescape(strings.Trim(v, `"`))
			sr.params[k] = append(sr.params[k], v)
		}
	}
	sr.signature = sr.params.Get("oauth_signature")
	delete(sr.params, "oauth_signature")
	delete(sr.params, "realm")
	return sr, nil
}

// percentEncode encodes per RFC 3986 2.1 / RFC 5849 3.6: everything but ALPHA DIGIT - . _ ~.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// baseString rebuilds the RFC 5849 3.4.1 signature base string from the request as received:
// scheme, lower-cased host with any non-default port, escaped path, and the sorted parameters.
func baseString(r *http.Request, params url.Values) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, p, ok := strings.Cut(host, ":"); ok && (p == "80" && scheme == "http" || p == "443" && scheme == "https") {
		host = h
	}
	type kv struct{ k, v string }
	pairs := make([]kv, 0, len(params))
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, kv{percentEncode(k), percentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var ps strings.Builder
	for i, p := range pairs {
		if i > 0 {
			ps.WriteByte('&')
		}
		ps.WriteString(p.k + "=" + p.v)
	}
	return strings.ToUpper(r.Method) + "&" + percentEncode(scheme+"://"+host+r.URL.EscapedPath()) + "&" + percentEncode(ps.String())
}

// checkSignature verifies an HMAC-SHA1 signature; it returns the base string it computed.
func checkSignature(r *http.Request, sr signedRequest, consumerSecret, tokenSecret string) (string, bool) {
	base := baseString(r, sr.params)
	if sr.get("oauth_signature_method") != "HMAC-SHA1" {
		return base, false
	}
	mac := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	want := mac.Sum(nil)
	got, err := base64.StdEncoding.DecodeString(sr.signature)
	return base, err == nil && hmac.Equal(got, want)
}

// oauthProblem replies as Flickr does to a failed OAuth check: text/plain
// "oauth_problem=<problem>" (then "&debug_sbs=<base string>" after signature_invalid), with
// HTTP 401, or 400 for the problems of a malformed request (parameter_absent,
// signature_method_rejected), the statuses of PHP's OAuthProvider whose reply format Flickr's
// follow.
func oauthProblem(rw http.ResponseWriter, problem, debugBase string) {
	body := "oauth_problem=" + problem
	if debugBase != "" {
		body += "&debug_sbs=" + debugBase
	}
	status := http.StatusUnauthorized
	if p, _, _ := strings.Cut(problem, "&"); p == "parameter_absent" || p == "signature_method_rejected" {
		status = http.StatusBadRequest
	}
	rw.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	rw.WriteHeader(status)
	_, _ = rw.Write([]byte(body))
}

// signedParams are the parameters every OAuth-signed request carries, in the order Flickr lists
// the absent ones.
var signedParams = []string{"oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp"}

// malformedOAuth reports, as the problem oauthProblem sends, a signed request that lacks one of
// signedParams or extra ("parameter_absent&oauth_parameters_absent=a%26b", every absent name)
// or uses a signature method other than HMAC-SHA1 ("signature_method_rejected"); "" when the
// request is well formed.
func malformedOAuth(sr signedRequest, extra ...string) string {
	var absent []string
	for _, k := range append(slices.Clone(signedParams), extra...) {
		if k == "oauth_signature" && sr.signature == "" || k != "oauth_signature" && sr.get(k) == "" {
			absent = append(absent, k)
		}
	}
	switch {
	case len(absent) > 0:
		return "parameter_absent&oauth_parameters_absent=" + percentEncode(strings.Join(absent, "&"))
	case sr.get("oauth_signature_method") != "HMAC-SHA1":
		return "signature_method_rejected"
	}
	return ""
}

func writeTokenReply(rw http.ResponseWriter, pairs ...string) {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pairs[i] + "=" + percentEncode(pairs[i+1]))
	}
	rw.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	_, _ = rw.Write([]byte(b.String()))
}

// gatherOAuth reads an OAuth endpoint's request and checks that it carries every parameter the
// step needs (required) and a known consumer key, as both token endpoints do first; on failure
// it has written the reply (400, or 401 consumer_key_unknown) and returns false.
func (s *Server) gatherOAuth(rw http.ResponseWriter, r *http.Request, required ...string) (signedRequest, bool) {
	sr, err := gather(r)
	if err != nil {
		http.Error(rw, "bad request body", http.StatusBadRequest)
		return sr, false
	}
	if problem := malformedOAuth(sr, required...); problem != "" {
		oauthProblem(rw, problem, "")
		return sr, false
	}
	if sr.get("oauth_consumer_key") != s.opts.ConsumerKey {
		oauthProblem(rw, "consumer_key_unknown", "")
		return sr, false
	}
	return sr, true
}

// handleRequestToken is step 1: a request token signed with the consumer secret only.
func (s *Server) handleRequestToken(rw http.ResponseWriter, r *http.Request) {
	s.count("oauth.request_token")
	sr, ok := s.gatherOAuth(rw, r, "oauth_callback")
	if !ok {
		return
	}
	if base, ok := checkSignature(r, sr, s.opts.ConsumerSecret, ""); !ok {
		oauthProblem(rw, "signature_invalid", base)
		return
	}
	cb := sr.get("oauth_callback")
	s.mu.Lock()
	tok, sec := s.newTokenLocked()
	s.reqTokens[tok] = &requestToken{secret: sec, callback: cb, user: -1}
	s.mu.Unlock()
	writeTokenReply(rw, "oauth_callback_confirmed", "true", "oauth_token", tok, "oauth_token_secret", sec)
}

// handleAccessToken is step 3: exchange an authorized request token and its verifier.
func (s *Server) handleAccessToken(rw http.ResponseWriter, r *http.Request) {
	s.count("oauth.access_token")
	sr, ok := s.gatherOAuth(rw, r, "oauth_token", "oauth_verifier")
	if !ok {
		return
	}
	s.mu.Lock()
	rt := s.reqTokens[sr.get("oauth_token")]
	s.mu.Unlock()
	if rt == nil || !rt.authorized {
		oauthProblem(rw, "token_rejected", "")
		return
	}
	if base, ok := checkSignature(r, sr, s.opts.ConsumerSecret, rt.secret); !ok {
		oauthProblem(rw, "signature_invalid", base)
		return
	}
	if !hmac.Equal([]byte(sr.get("oauth_verifier")), []byte(rt.verifier)) {
		oauthProblem(rw, "verifier_invalid", "")
		return
	}
	s.mu.Lock()
	delete(s.reqTokens, sr.get("oauth_token"))
	s.mu.Unlock()
	tok, sec := s.mintAccessToken(rt.user, rt.perms)
	u := rt.user
	writeTokenReply(rw, "fullname", s.w.realname[u], "oauth_token", tok, "oauth_token_secret", sec,
		"user_nsid", s.w.nsid[u], "username", s.w.username[u])
}

// permLevel orders Flickr permissions: none < read < write < delete.
func permLevel(p string) int {
	switch p {
	case "read":
		return 1
	case "write":
		return 2
	case "delete":
		return 3
	}
	return 0
}
