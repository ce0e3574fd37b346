package config

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"
)

// Mask replaces a set secret in Redacted output. Empty secrets stay empty, so "unset" shows.
const Mask = "******"

// Redacted returns a copy of c that is safe to print or log: every secret key that is set reads
// Mask, and passwords inside URLs (redis.url, neo4j.uri) read "xxxxx".
func (c Config) Redacted() Config {
	r := c
	for _, k := range table {
		if !k.Secret {
			continue
		}
		if p := k.field(&r).(*string); *p != "" {
			*p = Mask
		}
	}
	r.Redis.URL = redactURL(r.Redis.URL)
	r.Neo4j.URI = redactURL(r.Neo4j.URI)
	return r
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if raw == "" {
			return ""
		}
		return Mask
	}
	return u.Redacted()
}

// WriteTOML writes every key of c as `key = value` lines in table order, a valid TOML config file
// (dotted keys; strings and durations quoted). Call it on Redacted() before showing it to anyone.
func (c Config) WriteTOML(w io.Writer) error {
	for _, k := range table {
		val := format(k.field(&c))
		switch k.Default.(type) {
		case string, time.Duration:
			val = strconv.Quote(val)
		}
		if _, err := fmt.Fprintf(w, "%s = %s\n", k.Name, val); err != nil {
			return fmt.Errorf("config: write: %w", err)
		}
	}
	return nil
}
