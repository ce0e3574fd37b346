package server

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkRecommendPhotosHandler times GET .../recommendations/photos?limit=50 end to end
// through the Fiber app (session, CSRF and rate-limit middleware included) on the embedded
// graph holding the tiny world's heaviest user and their neighbors.
func BenchmarkRecommendPhotosHandler(b *testing.B) {
	e := newEnv(b, nil)
	nsid := e.heavyUser(b)
	e.seedUser(b, nsid)
	path := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?limit=50"
	b.ResetTimer()
	for b.Loop() {
		res, err := e.srv.App().Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("status %v, %v", res, err)
		}
		res.Body.Close()
	}
}

// BenchmarkSessionCookie times sealing and opening one session cookie (AES-256-GCM).
func BenchmarkSessionCookie(b *testing.B) {
	s, err := newSealer(make([]byte, 32), "photorec-session-v1")
	if err != nil {
		b.Fatal(err)
	}
	ss := session{NSID: "12037949754@N01", Username: "someone", CSRF: randomToken(), Expires: 1 << 40}
	for b.Loop() {
		plain, _ := json.Marshal(ss)
		sealed, err := s.seal(plain, "")
		if err != nil {
			b.Fatal(err)
		}
		v := base64.RawURLEncoding.EncodeToString(sealed)
		raw, _ := base64.RawURLEncoding.DecodeString(v)
		if _, err := s.open(raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}
