package flickrtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Access tokens carry what they grant, so a new Server over the same world (the same Generate
// options, with the same consumer key and secret) accepts the tokens an earlier one issued, as
// Flickr keeps honouring tokens across its own restarts. A token looks like Flickr's,
// "72157" + 12 digits + "-" + 16 hex digits: the digits encode the user, the perms and a random
// nonce; the hex digits are an HMAC-SHA256 tag over them under a key derived from the consumer
// credentials and the world. The token secret (16 hex digits) is derived from the token the same
// way. Revocations (RevokeToken) are kept in memory only: a new Server accepts a revoked token again.

const tokenPrefix = "72157"

// tokenSpace is the number of values the 12 digits of a token can hold.
const tokenSpace = 1_000_000_000_000

// newTokenKey derives the access-token key from the consumer credentials and the world's identity
// (the journal header: seed, sizes and time span).
func newTokenKey(w *World, consumerKey, consumerSecret string) []byte {
	h := w.journalHeader()
	mac := hmac.New(sha256.New, []byte(consumerSecret))
	fmt.Fprintf(mac, "flickrtest access token\x00%s\x00%d\x00%d\x00%d\x00%d\x00%d\x00%d\x00%d",
		consumerKey, h.Seed, h.Users, h.Photos, h.Faves, h.Contacts, h.Start, h.End)
	return mac.Sum(nil)
}

// tokenTag is the first 8 bytes of HMAC-SHA256(key, label+msg) as 16 hex digits.
func (s *Server) tokenTag(label, msg string) string {
	mac := hmac.New(sha256.New, s.tokenKey)
	mac.Write([]byte(label))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}

// mintAccessToken makes a token for user u with perms ("read", "write" or "delete"; anything else
// grants nothing) and its secret. Two calls give different tokens with high probability.
func (s *Server) mintAccessToken(u int32, perms string) (token, secret string) {
	n := uint64(len(s.w.nsid))
	nonce := rand.Uint64N(tokenSpace / (4 * n))
	digits := fmt.Sprintf("%012d", (nonce*4+uint64(permLevel(perms)))*n+uint64(u))
	token = tokenPrefix + digits + "-" + s.tokenTag("token\x00", digits)
	return token, s.tokenTag("secret\x00", token)
}

// parseAccessToken checks a token's tag and decodes it; ok is false for tokens this world and
// consumer never issued (revocation is not checked here).
func (s *Server) parseAccessToken(token string) (at accessToken, ok bool) {
	digits, tag, found := strings.Cut(strings.TrimPrefix(token, tokenPrefix), "-")
	if !found || !strings.HasPrefix(token, tokenPrefix) || len(digits) != 12 || len(tag) != 16 {
		return accessToken{}, false
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || !hmac.Equal([]byte(tag), []byte(s.tokenTag("token\x00", digits))) {
		return accessToken{}, false
	}
	n := uint64(len(s.w.nsid))
	return accessToken{secret: s.tokenTag("secret\x00", token), perms: permNames[v/n%4],
		user: int32(v % n)}, true
}
