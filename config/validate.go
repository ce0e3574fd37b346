package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KeyBytes is the decoded length of security.session_key and security.token_key.
const KeyBytes = 32

// Validate reports every invalid value at once, joined, one *FieldError per key (see Problems).
// Empty secrets are valid here: subcommands that need one call Require. Messages never contain
// secret values.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, problem string) {
		k, _ := lookup(key)
		errs = append(errs, k.problem(problem))
	}
	oneOf := func(key, got string, allowed ...string) {
		if !slices.Contains(allowed, got) {
			bad(key, fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), got))
		}
	}
	atLeast := func(key string, got, minimum int) {
		if got < minimum {
			bad(key, fmt.Sprintf("must be at least %d, got %d", minimum, got))
		}
	}

	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "must not be empty")
	}
	if err := checkHostPort(c.ListenAddr); err != nil {
		bad("listen_addr", fmt.Sprintf("%v, got %q", err, c.ListenAddr))
	}
	if c.BaseURL != "" {
		if err := checkURL(c.BaseURL, "http", "https"); err != nil {
			bad("base_url", err.Error())
		}
	}
	if c.ProxyHeader != "" && !isHeaderName(c.ProxyHeader) {
		bad("proxy_header", fmt.Sprintf("must be an HTTP header name like X-Forwarded-For, got %q", c.ProxyHeader))
	}
	oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf("log.format", c.Log.Format, "text", "json")
	oneOf("graph.backend", c.Graph.Backend, BackendEmbedded, BackendNeo4j)
	if c.Neo4j.URI != "" || c.Graph.Backend == BackendNeo4j {
		if err := checkURL(c.Neo4j.URI, "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"); err != nil {
			bad("neo4j.uri", err.Error())
		}
	}
	if c.Redis.URL != "" {
		if err := checkRedisURL(c.Redis.URL); err != nil {
			bad("redis.url", err.Error())
		}
	}
	if err := checkURL(c.Flickr.APIBase, "http", "https"); err != nil {
		bad("flickr.api_base", err.Error())
	}
	if err := checkURL(c.Flickr.OAuthBase, "http", "https"); err != nil {
		bad("flickr.oauth_base", err.Error())
	}
	atLeast("flickr.calls_per_hour", c.Flickr.CallsPerHour, 1)
	atLeast("flickr.burst", c.Flickr.Burst, 1)
	if strings.TrimSpace(c.Recommend.Algorithm) == "" {
		bad("recommend.algorithm", "must not be empty")
	}
	if !(c.Recommend.Scale > 0) {
		bad("recommend.scale", fmt.Sprintf("must be positive, got %g", c.Recommend.Scale))
	}
	if !(c.Recommend.Prior >= 0) {
		bad("recommend.prior", fmt.Sprintf("must not be negative, got %g", c.Recommend.Prior))
	}
	if !(c.Recommend.DismissWeight >= 0) {
		bad("recommend.dismiss_weight", fmt.Sprintf("must not be negative, got %g", c.Recommend.DismissWeight))
	}
	atLeast("recommend.cache_pages", c.Recommend.CachePages, 1)
	if c.Neo4j.ReadTimeout < time.Second || c.Neo4j.ReadTimeout > 5*time.Minute {
		bad("neo4j.read_timeout", fmt.Sprintf("must be between 1s and 5m, got %s", c.Neo4j.ReadTimeout))
	}
	if c.Neo4j.RankingSize < 1 || c.Neo4j.RankingSize > 2000 {
		bad("neo4j.ranking_size", fmt.Sprintf("must be between 1 and 2000, got %d", c.Neo4j.RankingSize))
	}
	if c.Neo4j.RankingStale < time.Second || c.Neo4j.RankingStale > 24*time.Hour {
		bad("neo4j.ranking_stale", fmt.Sprintf("must be between 1s and 24h, got %s", c.Neo4j.RankingStale))
	}
	if c.Recommend.CacheStale < 0 {
		bad("recommend.cache_stale", fmt.Sprintf("must not be negative, got %s", c.Recommend.CacheStale))
	}
	atLeast("recommend.cache_json_mib", c.Recommend.CacheJSONMiB, 0)
	atLeast("recommend.precompute", c.Recommend.Precompute, 0)
	atLeast("pull.neighbor_cap", c.Pull.NeighborCap, 1)
	if c.Pull.FullEvery <= 0 {
		bad("pull.full_every", fmt.Sprintf("must be positive, got %s", c.Pull.FullEvery))
	}
	if c.Pull.NeighborFreshFor < 0 {
		bad("pull.neighbor_fresh_for", fmt.Sprintf("must not be negative, got %s", c.Pull.NeighborFreshFor))
	}
	if c.Pull.RefreshEvery <= 0 {
		bad("pull.refresh_every", fmt.Sprintf("must be positive, got %s", c.Pull.RefreshEvery))
	}
	if c.Pull.MaxNeighbors < 1 || c.Pull.MaxNeighbors > MaxNeighborsLimit {
		bad("pull.max_neighbors", fmt.Sprintf("must be between 1 and %d, got %d", MaxNeighborsLimit, c.Pull.MaxNeighbors))
	}
	for key, n := range map[string]int{"pull.owner_photos": c.Pull.OwnerPhotos, "pull.contact_faves": c.Pull.ContactFaves,
		"pull.contact_photos": c.Pull.ContactPhotos} {
		if n < 0 || n > MaxNeighborsLimit {
			bad(key, fmt.Sprintf("must be between 0 and %d, got %d", MaxNeighborsLimit, n))
		}
	}
	if c.Pull.PhotosPerPerson < 1 || c.Pull.PhotosPerPerson > MaxPhotosPerPerson {
		bad("pull.photos_per_person", fmt.Sprintf("must be between 1 and %d, got %d", MaxPhotosPerPerson, c.Pull.PhotosPerPerson))
	}
	atLeast("worker.concurrency", c.Worker.Concurrency, 1)
	if c.Security.SessionKey != "" {
		if _, err := DecodeKey(c.Security.SessionKey); err != nil {
			bad("security.session_key", err.Error())
		}
	}
	if c.Security.TokenKey != "" {
		if _, err := DecodeKey(c.Security.TokenKey); err != nil {
			bad("security.token_key", err.Error())
		}
	}
	if c.Admin.Password != "" && len(c.Admin.Password) < 8 {
		bad("admin.password", "must be at least 8 characters when set")
	}
	if c.Demo.WorldUsers < 10 || c.Demo.WorldUsers > 1_000_000 {
		bad("demo.world_users", fmt.Sprintf("must be between 10 and 1000000, got %d", c.Demo.WorldUsers))
	}
	return errors.Join(errs...)
}

// DecodeKey decodes a security key: standard or URL-safe base64, padded or not, of exactly
// KeyBytes bytes. Its errors never contain the key.
func DecodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(strings.TrimSpace(s))
		if err != nil {
			continue
		}
		if len(b) != KeyBytes {
			return nil, fmt.Errorf("must decode to %d bytes, got %d", KeyBytes, len(b))
		}
		return b, nil
	}
	return nil, fmt.Errorf("must be base64 of %d random bytes (e.g. `openssl rand -base64 32`)", KeyBytes)
}

func checkHostPort(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be host:port")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("port must be 0..65535")
	}
	return nil
}

func checkURL(raw string, schemes ...string) error {
	want := fmt.Sprintf("must be an absolute URL with scheme %s", strings.Join(schemes, ", "))
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New(want + ", got an unparsable value")
	}
	if u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("%s, got %q", want, u.Redacted())
	}
	return nil
}

// checkRedisURL accepts what redis.ParseURL accepts; its message hides any password in raw.
func checkRedisURL(raw string) error {
	const want = "must be redis://host:port[/db], rediss://... or unix:///path"
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New(want + ", got an unparsable value")
	}
	if (u.Scheme == "redis" || u.Scheme == "rediss") && u.Host != "" || u.Scheme == "unix" && u.Path != "" {
		return nil
	}
	return fmt.Errorf("%s, got %q", want, u.Redacted())
}

func isHeaderName(s string) bool {
	for _, r := range s {
		switch {
		case r == '-', r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		default:
			return false
		}
	}
	return s != ""
}
