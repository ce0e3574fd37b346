package flickrtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
)

// reply is one HTTP reply of the simulator.
type reply struct {
	status int
	ctype  string
	body   string
}

// json decodes the body as JSON, failing the test if it is not.
func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("reply %d %q is not JSON: %v", r.status, r.body, err)
	}
	return m
}

func do(t *testing.T, c *http.Client, req *http.Request) reply {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return reply{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: string(b)}
}

// rest makes an unsigned GET call with the default api_key and JSON format; params are key, value pairs.
func rest(t *testing.T, s *Server, method string, kv ...string) reply {
	t.Helper()
	q := url.Values{"method": {method}, "api_key": {DefaultConsumerKey}, "format": {"json"}, "nojsoncallback": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/services/rest/?"+q.Encode(), nil)
	return do(t, nil, req)
}

// signedClient is an http.Client that signs like the photorec client will (dghubble/oauth1).
func signedClient(token, secret string) *http.Client {
	cfg := oauth1.NewConfig(DefaultConsumerKey, DefaultConsumerSecret)
	return cfg.Client(context.Background(), oauth1.NewToken(token, secret))
}

// signedPost makes a signed POST with params in an urlencoded body, as write methods are sent.
func signedPost(t *testing.T, s *Server, c *http.Client, method string, kv ...string) reply {
	t.Helper()
	q := url.Values{"method": {method}, "format": {"json"}, "nojsoncallback": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/services/rest/", strings.NewReader(q.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// signedGet makes a signed GET with params in the query string.
func signedGet(t *testing.T, s *Server, c *http.Client, method string, kv ...string) reply {
	t.Helper()
	q := url.Values{"method": {method}, "format": {"json"}, "nojsoncallback": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/services/rest/?"+q.Encode(), nil)
	return do(t, c, req)
}

// failCode returns the Flickr error code of a fail envelope, or 0 for stat ok.
func failCode(t *testing.T, r reply) int {
	t.Helper()
	m := r.json(t)
	if m["stat"] == "ok" {
		return 0
	}
	if m["stat"] != "fail" {
		t.Fatalf("reply has stat %v: %s", m["stat"], r.body)
	}
	code, ok := m["code"].(float64)
	if !ok {
		t.Fatalf("fail envelope without numeric code: %s", r.body)
	}
	return int(code)
}

// path walks nested JSON objects by key; it fails the test when a step is missing.
func path(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: not an object: %v", k, v)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("key %q missing in %v", k, m)
		}
	}
	return v
}

// heavyUser is a live user with many favorites in the tiny world.
func heavyUser(t *testing.T, w *World, atLeast int) User {
	t.Helper()
	for _, u := range w.Users() {
		if u.Faves >= atLeast && !u.Deleted {
			return u
		}
	}
	t.Fatalf("no user with %d faves", atLeast)
	return User{}
}
