package server

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

// FuzzDecodeCursor: any text from the query string either decodes to a cursor that encodes
// back to the same cursor, or is an invalid-argument error; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor("graph-cursor", time.Unix(1_700_000_000, 5)))
	f.Add(encodeCursor("x", time.Time{}))
	f.Add("")
	f.Add("!!!")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"g":1}`)))
	f.Fuzz(func(t *testing.T, s string) {
		pc, err := decodeCursor(s)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Code != codeInvalidArgument {
				t.Fatalf("decodeCursor(%q) error %v, want an invalid_argument apiError", s, err)
			}
			return
		}
		if pc.Graph == "" {
			t.Fatalf("decodeCursor(%q) accepted an empty graph cursor", s)
		}
		var since time.Time
		if pc.Since != 0 {
			since = time.Unix(0, pc.Since)
		}
		again, err := decodeCursor(encodeCursor(pc.Graph, since))
		if err != nil || again != pc {
			t.Fatalf("round trip of %+v gave %+v, %v", pc, again, err)
		}
	})
}

// FuzzOpenSession: a cookie value from the browser never panics and never opens unless it is
// one we sealed.
func FuzzOpenSession(f *testing.F) {
	s, err := New(Options{Graph: nilGraph{}, Flickr: nilFlickr{}, Pipeline: &fakePipeline{}, SessionKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("")
	f.Add("AAAA")
	f.Add(base64.RawURLEncoding.EncodeToString(make([]byte, 40)))
	f.Fuzz(func(t *testing.T, v string) {
		if got := s.openSession(v); got != nil {
			t.Fatalf("openSession(%q) = %+v from a value we never sealed", v, got)
		}
	})
}

// nilGraph and nilFlickr satisfy the interfaces for tests that never reach them.
type nilGraph struct{ Graph }

type nilFlickr struct{ Flickr }

func (nilFlickr) AuthorizeURL(string) string {
	return "https://www.flickr.com/services/oauth/authorize"
}
