package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnsureSecurityKeys fills security.session_key and security.token_key when they are empty, for
// the demo: each comes from <data_dir>/secrets/<name> (name "session_key" or "token_key"), which is
// created with 32 fresh random bytes (base64, mode 0600, directory 0700) the first time. It returns
// the keys it created. Keys already set in c are left alone and no file is touched for them, so
// calling it twice is harmless. A malformed key file is an error, never silently replaced.
func (c *Config) EnsureSecurityKeys() (created []string, err error) {
	for _, k := range []struct {
		name string
		val  *string
	}{{"session_key", &c.Security.SessionKey}, {"token_key", &c.Security.TokenKey}} {
		if *k.val != "" {
			continue
		}
		path := filepath.Join(c.DataDir, "secrets", k.name)
		v, made, err := loadOrCreateKey(path)
		if err != nil {
			return created, fmt.Errorf("config: security.%s: %w", k.name, err)
		}
		*k.val = v
		if made {
			created = append(created, "security."+k.name)
		}
	}
	return created, nil
}

func loadOrCreateKey(path string) (string, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		v := strings.TrimSpace(string(b))
		if _, err := DecodeKey(v); err != nil {
			return "", false, fmt.Errorf("key file %s: %w", path, err)
		}
		return v, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("read key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("create key directory: %w", err)
	}
	raw := make([]byte, KeyBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", false, fmt.Errorf("generate key: %w", err)
	}
	v := base64.StdEncoding.EncodeToString(raw)
	// Write a temporary file, then link it into place: the key file appears complete or not at
	// all, and a concurrent creator's key wins over ours.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return "", false, fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(v + "\n"); err != nil {
		_ = tmp.Close()
		return "", false, fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", false, fmt.Errorf("write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return loadOrCreateKey(path)
		}
		return "", false, fmt.Errorf("create key file: %w", err)
	}
	return v, true, nil
}
