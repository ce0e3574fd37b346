package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/photorec/photorec/flickr"
)

// errUnsealed reports a sealed value that is not ours, was altered, or belongs to another
// context (a cookie under a token key, a token of another user).
var errUnsealed = errors.New("server: sealed value does not open")

// sealer encrypts small values with AES-256-GCM: a random 12-byte nonce, then the ciphertext
// and tag. The purpose string and a per-value context are bound as additional data.
type sealer struct {
	aead    cipher.AEAD
	purpose string
}

func newSealer(key []byte, purpose string) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("server: %s cipher: %w", purpose, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("server: %s gcm: %w", purpose, err)
	}
	return &sealer{aead: aead, purpose: purpose}, nil
}

func (s *sealer) seal(plain []byte, context string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("server: nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(s.purpose+"\x00"+context)), nil
}

func (s *sealer) open(sealed []byte, context string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errUnsealed
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(s.purpose+"\x00"+context))
	if err != nil {
		return nil, errUnsealed
	}
	return plain, nil
}

// storedToken is the plaintext of a sealed access token.
type storedToken struct {
	Token  string `json:"token"`
	Secret string `json:"secret"`
}

// sealToken encrypts an access token for nsid; the sealed bytes only open for the same nsid.
func (s *sealer) sealToken(nsid string, tok flickr.Token) ([]byte, error) {
	plain, err := json.Marshal(storedToken{Token: tok.Token, Secret: tok.Secret})
	if err != nil {
		return nil, fmt.Errorf("server: encode token: %w", err)
	}
	return s.seal(plain, nsid)
}

func (s *sealer) openToken(nsid string, sealed []byte) (flickr.Token, error) {
	plain, err := s.open(sealed, nsid)
	if err != nil {
		return flickr.Token{}, err
	}
	var st storedToken
	if err := json.Unmarshal(plain, &st); err != nil {
		return flickr.Token{}, errUnsealed
	}
	return flickr.Token{Token: st.Token, Secret: st.Secret}, nil
}
