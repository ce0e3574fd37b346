package flickrtest

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestServeAndClose is the demo's path: NewServer, Serve on a listener, Close.
func TestServeAndClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(TinyWorld(61), Options{})
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	r := do(t, nil, mustRequest(t, http.MethodGet, base+"/"))
	if r.status != 200 || !strings.Contains(r.body, `id="sim-home"`) {
		t.Fatalf("home page: %d %q", r.status, r.body)
	}
	s.Close()
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
	s.Close() // idempotent
}

// FuzzGather feeds arbitrary Authorization headers, queries and bodies to the parameter
// collector and the signature check: they must never panic, and parameters must round-trip.
func FuzzGather(f *testing.F) {
	f.Add(`OAuth oauth_consumer_key="k", oauth_signature="c2ln%3D"`, "method=x&a=1", "b=2")
	f.Add(`OAuth realm="", oauth_token=`, "%zz", "&&=")
	f.Fuzz(func(t *testing.T, auth, query, body string) {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/services/rest/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.RawQuery = query
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sr, err := gather(req)
		if err != nil {
			return
		}
		if _, ok := checkSignature(req, sr, "secret", "token"); ok && sr.signature == "" {
			t.Errorf("empty signature accepted")
		}
		if q, err := url.ParseQuery(query); err == nil {
			for k := range q {
				if k != "oauth_signature" && k != "realm" && sr.params[k] == nil {
					t.Errorf("query parameter %q lost", k)
				}
			}
		}
	})
}
