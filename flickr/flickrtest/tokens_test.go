package flickrtest

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oauthLogin runs the OAuth dance on s as nsid with perms and an oob verifier, and returns the
// access token and secret.
func oauthLogin(t *testing.T, s *Server, nsid, perms string) (token, secret string) {
	t.Helper()
	cfg := oauthConfig(s, "oob")
	reqTok, reqSec, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	if resp := authorizeAs(t, s, reqTok, perms, url.Values{"pick": {nsid}}); resp.status != http.StatusOK {
		t.Fatalf("oob authorize: status %d", resp.status)
	}
	s.mu.Lock()
	verifier := s.reqTokens[reqTok].verifier
	s.mu.Unlock()
	token, secret, err = cfg.AccessToken(reqTok, reqSec, verifier)
	if err != nil {
		t.Fatal(err)
	}
	return token, secret
}

// TestAccessTokensOutliveTheServer logs in on one Server and uses the tokens on a new Server over
// the world generated again (a demo restart); servers of another world or consumer reject them,
// and revocation, tampering and perms work as before.
func TestAccessTokensOutliveTheServer(t *testing.T) {
	w := TinyWorld(21)
	me, other := heavyUser(t, w, 20), w.Users()[1]
	before := Start(t, w, Options{})
	issuedTok, issuedSec := before.IssueToken(me.NSID, "write")
	danceTok, danceSec := oauthLogin(t, before, me.NSID, "write")
	readTok, readSec := before.IssueToken(other.NSID, "read")
	revokedTok, revokedSec := before.IssueToken(me.NSID, "write")
	before.Close()

	tokenRE, secretRE := regexp.MustCompile(`^72157\d{12}-[0-9a-f]{16}$`), regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, ts := range [][2]string{{issuedTok, issuedSec}, {danceTok, danceSec}, {readTok, readSec}} {
		if !tokenRE.MatchString(ts[0]) || !secretRE.MatchString(ts[1]) {
			t.Errorf("token %q secret %q, want Flickr's forms 72157{12 digits}-{16 hex} and 16 hex", ts[0], ts[1])
		}
	}
	if issuedTok == revokedTok {
		t.Errorf("two IssueToken calls gave the same token %s", issuedTok)
	}

	after := Start(t, TinyWorld(21), Options{})
	after.RevokeToken(revokedTok)
	otherWorld := Start(t, TinyWorld(22), Options{})
	otherConsumer := Start(t, TinyWorld(21), Options{ConsumerSecret: "another-secret"})
	tampered := issuedTok[:17] + map[bool]string{true: "1", false: "2"}[issuedTok[17] != '1'] + issuedTok[18:]

	tests := []struct {
		name          string
		s             *Server
		token, secret string
		method        string
		wantCode      int
		wantUser      string // test.login's user id when wantCode is 0
	}{
		{"issued token after restart", after, issuedTok, issuedSec, "flickr.test.login", 0, me.NSID},
		{"oauth token after restart", after, danceTok, danceSec, "flickr.test.login", 0, me.NSID},
		{"read token after restart", after, readTok, readSec, "flickr.test.login", 0, other.NSID},
		{"read token still read only", after, readTok, readSec, "flickr.favorites.add", 99, ""},
		{"revoked token", after, revokedTok, revokedSec, "flickr.test.login", 98, ""},
		{"tampered token", after, tampered, issuedSec, "flickr.test.login", 98, ""},
		{"token of another world", otherWorld, issuedTok, issuedSec, "flickr.test.login", 98, ""},
		{"token of another consumer secret", otherConsumer, issuedTok, issuedSec, "flickr.test.login", 98, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedPost(t, tt.s, signedClient(tt.token, tt.secret), tt.method, "photo_id", unfavedPhoto(t, w, me.NSID))
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := failCode(t, r); got != tt.wantCode {
				t.Fatalf("code %d, want %d: %s", got, tt.wantCode, r.body)
			}
			if tt.wantUser != "" {
				if diff := cmp.Diff(tt.wantUser, path(t, r.json(t), "user", "id")); diff != "" {
					t.Errorf("test.login user (-want +got):\n%s", diff)
				}
			}
		})
	}

	t.Run("fave with a token from before the restart", func(t *testing.T) {
		photo := unfavedPhoto(t, w, me.NSID)
		r := signedPost(t, after, signedClient(danceTok, danceSec), "flickr.favorites.add", "photo_id", photo)
		if got := failCode(t, r); got != 0 {
			t.Fatalf("favorites.add code %d: %s", got, r.body)
		}
		if !faved(after.World(), me.NSID, photo) {
			t.Errorf("photo %s not in %s's favorites after favorites.add", photo, me.NSID)
		}
	})
}

func faved(w *World, nsid, photo string) bool {
	for _, f := range w.FavesOf(nsid) {
		if f.PhotoID == photo {
			return true
		}
	}
	return false
}
