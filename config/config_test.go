package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/photorec/photorec/config"
)

// wantDefaults spells out the defaults independently of the table.
var wantDefaults = config.Config{
	DataDir:    "./data",
	ListenAddr: "127.0.0.1:8080",
	Log:        config.Log{Level: "info", Format: "text"},
	Graph:      config.Graph{Backend: "embedded"},
	Neo4j:      config.Neo4j{URI: "neo4j://localhost:7687", Username: "neo4j", Database: "neo4j", ReadTimeout: 5 * time.Second, RankingSize: 500, RankingStale: 5 * time.Minute},
	Flickr: config.Flickr{
		APIBase:      "https://api.flickr.com/services/rest/",
		OAuthBase:    "https://www.flickr.com/services/oauth/",
		CallsPerHour: 3480,
		Burst:        120,
	},
	Recommend: config.Recommend{Algorithm: "hybrid", Scale: 150, Prior: 250, DismissWeight: 1,
		CachePages: 16384, CacheStale: 5 * time.Minute, CacheJSONMiB: 512, Precompute: 65536},
	Pull: config.Pull{
		NeighborCap:      1000,
		FullEvery:        168 * time.Hour,
		NeighborFreshFor: 24 * time.Hour,
		RefreshEvery:     6 * time.Hour,
		MaxNeighbors:     500,
		OwnerPhotos:      100,
		ContactFaves:     100,
		ContactPhotos:    100,
		PhotosPerPerson:  100,
	},
	Worker: config.Worker{Concurrency: 8},
	Demo:   config.Demo{Seed: 1, WorldUsers: 5000},
}

const (
	sessionKey = "c2Vzc2lvbi1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU=" // 32 bytes
	tokenKey   = "dG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmctLTAxMjM0NTY=" // 32 bytes
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func problemKeys(err error) []string {
	var keys []string
	for _, p := range config.Problems(err) {
		keys = append(keys, p.Key)
	}
	slices.Sort(keys)
	return keys
}

func TestDefaults(t *testing.T) {
	got, err := config.Load(config.Options{})
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	if diff := cmp.Diff(wantDefaults, got); diff != "" {
		t.Errorf("Load() defaults (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantDefaults, config.Defaults()); diff != "" {
		t.Errorf("Defaults() (-want +got):\n%s", diff)
	}
	if err := config.Defaults().Validate(); err != nil {
		t.Errorf("Defaults().Validate() = %v, want nil", err)
	}
}

func TestLoadSources(t *testing.T) {
	yamlFile := `
data_dir: /var/lib/photorec
log:
  level: debug
  format: json
graph:
  backend: neo4j
neo4j:
  uri: neo4j+s://db.example.com
  password: from-file
flickr:
  calls_per_hour: 1800
recommend:
  scale: 100.5
pull:
  full_every: 72h
demo:
  seed: 42
`
	tests := []struct {
		name    string
		file    string // name and content, "" for none
		content string
		env     []string
		secrets map[string]string // files for *_FILE, by base name
		mutate  func(c *config.Config)
	}{
		{
			name: "yaml file", file: "photorec.yaml", content: yamlFile,
			mutate: func(c *config.Config) {
				c.DataDir = "/var/lib/photorec"
				c.Log = config.Log{Level: "debug", Format: "json"}
				c.Graph.Backend = "neo4j"
				c.Neo4j.URI = "neo4j+s://db.example.com"
				c.Neo4j.Password = "from-file"
				c.Flickr.CallsPerHour = 1800
				c.Recommend.Scale = 100.5
				c.Pull.FullEvery = 72 * time.Hour
				c.Demo.Seed = 42
			},
		},
		{
			name: "json file", file: "photorec.json",
			content: `{"listen_addr": "0.0.0.0:9000", "worker": {"concurrency": 3}, "pull": {"refresh_every": "90m"}}`,
			mutate: func(c *config.Config) {
				c.ListenAddr = "0.0.0.0:9000"
				c.Worker.Concurrency = 3
				c.Pull.RefreshEvery = 90 * time.Minute
			},
		},
		{
			name: "toml file", file: "photorec.toml",
			content: "base_url = \"https://photorec.example.com\"\n[recommend]\nprior = 0\n",
			mutate: func(c *config.Config) {
				c.BaseURL = "https://photorec.example.com"
				c.Recommend.Prior = 0
			},
		},
		{
			name: "environment overrides the file", file: "photorec.yaml", content: yamlFile,
			env: []string{
				"PHOTOREC_LOG_LEVEL=warn",
				"PHOTOREC_FLICKR_CALLS_PER_HOUR=900",
				"PHOTOREC_RECOMMEND_DISMISS_WEIGHT=0.5",
				"PHOTOREC_PULL_NEIGHBOR_FRESH_FOR=12h",
				"PHOTOREC_DEMO_WORLD_USERS=500",
				"PHOTOREC_NEO4J_PASSWORD=from-env",
				"PHOTOREC_REDIS_URL=redis://localhost:6379/2",
				"PHOTOREC_CONFIG=ignored-by-load.yaml",
				"HOME=/root",
			},
			mutate: func(c *config.Config) {
				c.DataDir = "/var/lib/photorec"
				c.Log = config.Log{Level: "warn", Format: "json"}
				c.Graph.Backend = "neo4j"
				c.Neo4j.URI = "neo4j+s://db.example.com"
				c.Neo4j.Password = "from-env"
				c.Redis.URL = "redis://localhost:6379/2"
				c.Flickr.CallsPerHour = 900
				c.Recommend.Scale = 100.5
				c.Recommend.DismissWeight = 0.5
				c.Pull.FullEvery = 72 * time.Hour
				c.Pull.NeighborFreshFor = 12 * time.Hour
				c.Demo.Seed = 42
				c.Demo.WorldUsers = 500
			},
		},
		{
			name: "secrets from _FILE, trailing newline dropped",
			env: []string{
				"PHOTOREC_FLICKR_API_SECRET_FILE=api_secret",
				"PHOTOREC_SECURITY_SESSION_KEY_FILE=session",
				"PHOTOREC_SECURITY_TOKEN_KEY=" + tokenKey,
				"PHOTOREC_ADMIN_PASSWORD_FILE=admin",
			},
			secrets: map[string]string{
				"api_secret": "s3cr3t\n",
				"session":    sessionKey + "\r\n",
				"admin":      "correct horse battery",
			},
			mutate: func(c *config.Config) {
				c.Flickr.APISecret = "s3cr3t"
				c.Security.SessionKey = sessionKey
				c.Security.TokenKey = tokenKey
				c.Admin.Password = "correct horse battery"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := config.Options{}
			if tt.file != "" {
				opts.File = writeFile(t, tt.file, tt.content)
			}
			dir := t.TempDir()
			for name, content := range tt.secrets {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for _, kv := range tt.env {
				if name, val, _ := strings.Cut(kv, "="); strings.HasSuffix(name, "_FILE") {
					kv = name + "=" + filepath.Join(dir, val)
				}
				opts.Environ = append(opts.Environ, kv)
			}
			got, err := config.Load(opts)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := wantDefaults
			tt.mutate(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadProblems(t *testing.T) {
	secretFile := writeFile(t, "secret", "from-file")
	tests := []struct {
		name     string
		content  string // YAML config file, "" for none
		env      []string
		wantKeys []string
		wantText []string // substrings of the joined error
	}{
		{
			name:     "missing file",
			env:      []string{"PHOTOREC_NEO4J_PASSWORD_FILE=" + filepath.Join(t.TempDir(), "absent")},
			wantKeys: []string{"neo4j.password"},
			wantText: []string{"PHOTOREC_NEO4J_PASSWORD_FILE"},
		},
		{
			name:     "both value and _FILE",
			env:      []string{"PHOTOREC_NEO4J_PASSWORD=x", "PHOTOREC_NEO4J_PASSWORD_FILE=" + secretFile},
			wantKeys: []string{"neo4j.password"},
			wantText: []string{"use one"},
		},
		{
			name:     "_FILE of a non-secret",
			env:      []string{"PHOTOREC_DATA_DIR_FILE=" + secretFile},
			wantKeys: []string{"data_dir"},
			wantText: []string{"only secrets are read from files"},
		},
		{
			name:     "a section given a value",
			content:  "flickr: 5\ndata_dir: null\n",
			wantKeys: []string{"flickr"},
			wantText: []string{"give it keys (like flickr.api_key)"},
		},
		{
			name:     "unknown file keys",
			content:  "listen_adr: x\nflickr:\n  api_kee: y\n",
			wantKeys: []string{"flickr.api_kee", "listen_adr"},
		},
		{
			name:     "wrong types keep the default and are reported with validation problems",
			content:  "flickr:\n  calls_per_hour: lots\npull:\n  full_every: 3\nrecommend:\n  scale: high\nlog:\n  level: loud\n",
			env:      []string{"PHOTOREC_WORKER_CONCURRENCY=4.5", "PHOTOREC_DEMO_SEED=x"},
			wantKeys: []string{"demo.seed", "flickr.calls_per_hour", "log.level", "pull.full_every", "recommend.scale", "worker.concurrency"},
			wantText: []string{`want an integer, got "lots"`, "want a duration", `got "loud"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := config.Options{Environ: tt.env}
			if tt.content != "" {
				opts.File = writeFile(t, "photorec.yaml", tt.content)
			}
			got, err := config.Load(opts)
			if err == nil {
				t.Fatal("Load succeeded, want problems")
			}
			if diff := cmp.Diff(tt.wantKeys, problemKeys(err)); diff != "" {
				t.Errorf("problem keys (-want +got):\n%s\nerror:\n%v", diff, err)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error lacks %q:\n%v", s, err)
				}
			}
			if got.Flickr.CallsPerHour != 3480 {
				t.Errorf("flickr.calls_per_hour = %d after a bad value, want the default 3480", got.Flickr.CallsPerHour)
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"absent", func(t *testing.T) string {
			t.Helper()
			return filepath.Join(t.TempDir(), "none.yaml")
		}},
		{"bad yaml", func(t *testing.T) string {
			t.Helper()
			return writeFile(t, "bad.yaml", "a: [1\n")
		}},
		{"unknown extension", func(t *testing.T) string {
			t.Helper()
			return writeFile(t, "photorec.conf", "a=1\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := config.Load(config.Options{File: tt.path(t)}); err == nil {
				t.Fatal("Load succeeded, want an error")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *config.Config)
		want   []string // keys reported
	}{
		{"defaults", func(*config.Config) {}, nil},
		{"data_dir empty", func(c *config.Config) { c.DataDir = " " }, []string{"data_dir"}},
		{"listen_addr no port", func(c *config.Config) { c.ListenAddr = "localhost" }, []string{"listen_addr"}},
		{"listen_addr bad port", func(c *config.Config) { c.ListenAddr = ":99999" }, []string{"listen_addr"}},
		{"base_url relative", func(c *config.Config) { c.BaseURL = "/photorec" }, []string{"base_url"}},
		{"base_url ftp", func(c *config.Config) { c.BaseURL = "ftp://example.com" }, []string{"base_url"}},
		{"proxy_header", func(c *config.Config) { c.ProxyHeader = "X Forwarded: For" }, []string{"proxy_header"}},
		{"proxy_header set", func(c *config.Config) { c.ProxyHeader = "X-Forwarded-For" }, nil},
		{"log.level", func(c *config.Config) { c.Log.Level = "trace" }, []string{"log.level"}},
		{"log.format", func(c *config.Config) { c.Log.Format = "xml" }, []string{"log.format"}},
		{"graph.backend", func(c *config.Config) { c.Graph.Backend = "mysql" }, []string{"graph.backend"}},
		{"neo4j.uri scheme", func(c *config.Config) { c.Neo4j.URI = "http://localhost:7474" }, []string{"neo4j.uri"}},
		{"neo4j.uri empty with neo4j backend", func(c *config.Config) {
			c.Graph.Backend = "neo4j"
			c.Neo4j.URI = ""
		}, []string{"neo4j.uri"}},
		{"neo4j.uri empty with embedded backend", func(c *config.Config) { c.Neo4j.URI = "" }, nil},
		{"redis.url scheme", func(c *config.Config) { c.Redis.URL = "localhost:6379" }, []string{"redis.url"}},
		{"redis.url unix", func(c *config.Config) { c.Redis.URL = "unix:///run/redis.sock" }, nil},
		{"flickr.api_base", func(c *config.Config) { c.Flickr.APIBase = "api.flickr.com" }, []string{"flickr.api_base"}},
		{"flickr.oauth_base", func(c *config.Config) { c.Flickr.OAuthBase = "" }, []string{"flickr.oauth_base"}},
		{"flickr.calls_per_hour", func(c *config.Config) { c.Flickr.CallsPerHour = 0 }, []string{"flickr.calls_per_hour"}},
		{"flickr.burst", func(c *config.Config) { c.Flickr.Burst = -1 }, []string{"flickr.burst"}},
		{"recommend.algorithm popularity", func(c *config.Config) { c.Recommend.Algorithm = "popularity" }, nil},
		{"recommend.algorithm rp3beta", func(c *config.Config) { c.Recommend.Algorithm = "rp3beta" }, nil},
		{"recommend.algorithm flexplore", func(c *config.Config) { c.Recommend.Algorithm = "flexplore" }, nil},
		{"recommend.algorithm rp3beta on neo4j", func(c *config.Config) {
			c.Graph.Backend = "neo4j"
			c.Recommend.Algorithm = "rp3beta"
		}, nil},
		{"recommend.algorithm blend on neo4j", func(c *config.Config) {
			c.Graph.Backend = "neo4j"
			c.Recommend.Algorithm = "blend"
		}, nil},
		{"recommend.algorithm empty", func(c *config.Config) { c.Recommend.Algorithm = "" }, []string{"recommend.algorithm"}},
		{"recommend.scale", func(c *config.Config) { c.Recommend.Scale = 0 }, []string{"recommend.scale"}},
		{"recommend.prior", func(c *config.Config) { c.Recommend.Prior = -1 }, []string{"recommend.prior"}},
		{"recommend.dismiss_weight", func(c *config.Config) { c.Recommend.DismissWeight = -0.5 }, []string{"recommend.dismiss_weight"}},
		{"recommend.cache_pages", func(c *config.Config) { c.Recommend.CachePages = 0 }, []string{"recommend.cache_pages"}},
		{"recommend.cache_stale", func(c *config.Config) { c.Recommend.CacheStale = -time.Second }, []string{"recommend.cache_stale"}},
		{"neo4j.read_timeout", func(c *config.Config) { c.Neo4j.ReadTimeout = 0 }, []string{"neo4j.read_timeout"}},
		{"neo4j.ranking_size", func(c *config.Config) { c.Neo4j.RankingSize = 2001 }, []string{"neo4j.ranking_size"}},
		{"neo4j.ranking_stale", func(c *config.Config) { c.Neo4j.RankingStale = 0 }, []string{"neo4j.ranking_stale"}},
		{"recommend.cache_json_mib", func(c *config.Config) { c.Recommend.CacheJSONMiB = -1 }, []string{"recommend.cache_json_mib"}},
		{"pull.neighbor_cap", func(c *config.Config) { c.Pull.NeighborCap = 0 }, []string{"pull.neighbor_cap"}},
		{"pull.full_every", func(c *config.Config) { c.Pull.FullEvery = 0 }, []string{"pull.full_every"}},
		{"pull.neighbor_fresh_for", func(c *config.Config) { c.Pull.NeighborFreshFor = -time.Hour }, []string{"pull.neighbor_fresh_for"}},
		{"pull.refresh_every", func(c *config.Config) { c.Pull.RefreshEvery = -time.Second }, []string{"pull.refresh_every"}},
		{"pull.max_neighbors", func(c *config.Config) { c.Pull.MaxNeighbors = 0 }, []string{"pull.max_neighbors"}},
		{"pull.max_neighbors above the graph's page", func(c *config.Config) { c.Pull.MaxNeighbors = 501 }, []string{"pull.max_neighbors"}},
		{"pull caps of 0 pull none", func(c *config.Config) { c.Pull.OwnerPhotos, c.Pull.ContactFaves, c.Pull.ContactPhotos = 0, 0, 0 }, nil},
		{"pull caps negative", func(c *config.Config) { c.Pull.OwnerPhotos, c.Pull.ContactFaves, c.Pull.ContactPhotos = -1, -1, -1 },
			[]string{"pull.contact_faves", "pull.contact_photos", "pull.owner_photos"}},
		{"pull caps above 500", func(c *config.Config) { c.Pull.OwnerPhotos, c.Pull.ContactFaves, c.Pull.ContactPhotos = 501, 501, 501 },
			[]string{"pull.contact_faves", "pull.contact_photos", "pull.owner_photos"}},
		{"pull.photos_per_person", func(c *config.Config) { c.Pull.PhotosPerPerson = 0 }, []string{"pull.photos_per_person"}},
		{"pull.photos_per_person above a page", func(c *config.Config) { c.Pull.PhotosPerPerson = 501 }, []string{"pull.photos_per_person"}},
		{"worker.concurrency", func(c *config.Config) { c.Worker.Concurrency = 0 }, []string{"worker.concurrency"}},
		{"security.session_key not base64", func(c *config.Config) { c.Security.SessionKey = "not base64!" }, []string{"security.session_key"}},
		{"security.token_key short", func(c *config.Config) { c.Security.TokenKey = "c2hvcnQ=" }, []string{"security.token_key"}},
		{"security keys unpadded url-safe", func(c *config.Config) {
			c.Security.SessionKey = strings.TrimRight(sessionKey, "=")
			c.Security.TokenKey = tokenKey
		}, nil},
		{"admin.password short", func(c *config.Config) { c.Admin.Password = "abc" }, []string{"admin.password"}},
		{"demo.world_users", func(c *config.Config) { c.Demo.WorldUsers = 3 }, []string{"demo.world_users"}},
		{"every problem at once", func(c *config.Config) {
			c.Log.Level = "loud"
			c.Graph.Backend = "sqlite"
			c.Flickr.CallsPerHour = -5
			c.Recommend.Scale = -1
			c.Pull.RefreshEvery = 0
			c.Worker.Concurrency = -1
			c.Security.TokenKey = "short"
		}, []string{"flickr.calls_per_hour", "graph.backend", "log.level", "pull.refresh_every", "recommend.scale", "security.token_key", "worker.concurrency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Defaults()
			tt.mutate(&c)
			err := c.Validate()
			if diff := cmp.Diff(tt.want, problemKeys(err)); diff != "" {
				t.Errorf("Validate problems (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func TestValidateNeverShowsSecrets(t *testing.T) {
	c := config.Defaults()
	c.Security.SessionKey = "sup3r-s3cret-but-not-base64!"
	c.Security.TokenKey = "c2hvcnQ=" // decodes, but short
	c.Admin.Password = "pw1"
	c.Redis.URL = "http://user:hunter2@redis:6379"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate succeeded, want problems")
	}
	for _, secret := range []string{c.Security.SessionKey, c.Security.TokenKey, c.Admin.Password, "hunter2"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Validate error shows secret %q:\n%v", secret, err)
		}
	}
}

func TestRedacted(t *testing.T) {
	c := config.Defaults()
	c.Neo4j.Password = "neo-pass"
	c.Flickr.APIKey = "public-key"
	c.Flickr.APISecret = "flickr-secret"
	c.Security.SessionKey = sessionKey
	c.Admin.Password = "admin-pass"
	c.Redis.URL = "redis://:redis-pass@localhost:6379/0"
	c.Neo4j.URI = "neo4j://user:uri-pass@db:7687"

	r := c.Redacted()
	want := c
	want.Neo4j.Password = config.Mask
	want.Flickr.APISecret = config.Mask
	want.Security.SessionKey = config.Mask
	want.Admin.Password = config.Mask
	want.Redis.URL = "redis://:xxxxx@localhost:6379/0"
	want.Neo4j.URI = "neo4j://user:xxxxx@db:7687"
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Redacted (-want +got):\n%s", diff)
	}
	if c.Neo4j.Password != "neo-pass" {
		t.Error("Redacted modified its receiver")
	}

	var printed strings.Builder
	if err := r.WriteTOML(&printed); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"neo-pass", "flickr-secret", sessionKey, "admin-pass", "redis-pass", "uri-pass"} {
		if strings.Contains(printed.String(), secret) {
			t.Errorf("WriteTOML of Redacted shows %q", secret)
		}
	}
	for _, line := range []string{`flickr.api_key = "public-key"`, `security.token_key = ""`, `neo4j.password = "******"`, `pull.full_every = "168h"`, "recommend.scale = 150"} {
		if !strings.Contains(printed.String(), line+"\n") {
			t.Errorf("WriteTOML lacks %q in:\n%s", line, printed.String())
		}
	}
}

func TestKeysTable(t *testing.T) {
	var defaults strings.Builder
	if err := config.Defaults().WriteTOML(&defaults); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(defaults.String(), "\n"), "\n")
	keys := config.Keys()
	if len(keys) != len(lines) {
		t.Fatalf("%d keys but %d lines of TOML", len(keys), len(lines))
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if seen[k.Name] {
			t.Errorf("key %s listed twice", k.Name)
		}
		seen[k.Name] = true
		if k.Doc == "" {
			t.Errorf("key %s has no doc", k.Name)
		}
		name, val, _ := strings.Cut(lines[i], " = ")
		if name != k.Name || strings.Trim(val, `"`) != k.DefaultString() {
			t.Errorf("Defaults() prints %q, the table says %s = %q", lines[i], k.Name, k.DefaultString())
		}
		if want := "PHOTOREC_" + strings.ToUpper(strings.ReplaceAll(k.Name, ".", "_")); k.Env() != want {
			t.Errorf("%s: Env() = %s, want %s", k.Name, k.Env(), want)
		}
	}
	for _, name := range []string{"neo4j.password", "flickr.api_secret", "security.session_key", "security.token_key", "admin.password"} {
		i := slices.IndexFunc(keys, func(k config.Key) bool { return k.Name == name })
		if i < 0 || !keys[i].Secret {
			t.Errorf("%s must be a secret key", name)
		}
	}
}

func TestRequire(t *testing.T) {
	c := config.Defaults()
	c.Flickr.APIKey = "k"
	err := c.Require("flickr.api_key", "flickr.api_secret", "admin.password", "no.such_key")
	if diff := cmp.Diff([]string{"admin.password", "flickr.api_secret", "no.such_key"}, problemKeys(err)); diff != "" {
		t.Errorf("Require problems (-want +got):\n%s", diff)
	}
	if err := c.Require("flickr.api_key", "data_dir"); err != nil {
		t.Errorf("Require of set keys = %v, want nil", err)
	}
}

func TestEnsureSecurityKeys(t *testing.T) {
	dir := t.TempDir()
	c := config.Defaults()
	c.DataDir = dir
	c.Security.TokenKey = tokenKey

	created, err := c.EnsureSecurityKeys()
	if err != nil {
		t.Fatalf("first EnsureSecurityKeys: %v", err)
	}
	if diff := cmp.Diff([]string{"security.session_key"}, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if c.Security.TokenKey != tokenKey {
		t.Errorf("token key replaced although it was set")
	}
	if err := c.Validate(); err != nil {
		t.Errorf("generated key does not validate: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, "secrets", "session_key"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "secrets", "token_key")); err == nil {
		t.Error("token_key file written although the key was set")
	}

	again := config.Defaults()
	again.DataDir = dir
	created, err = again.EnsureSecurityKeys()
	if err != nil {
		t.Fatalf("second EnsureSecurityKeys: %v", err)
	}
	if again.Security.SessionKey != c.Security.SessionKey {
		t.Error("second run made a new session key instead of reusing the file")
	}
	if diff := cmp.Diff([]string{"security.token_key"}, created); diff != "" {
		t.Errorf("second run created (-want +got):\n%s", diff)
	}

	if err := os.WriteFile(filepath.Join(dir, "secrets", "session_key"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := config.Defaults()
	broken.DataDir = dir
	if _, err := broken.EnsureSecurityKeys(); err == nil {
		t.Error("EnsureSecurityKeys accepted a malformed key file")
	}
}

func TestSetOverridesEverything(t *testing.T) {
	file := writeFile(t, "photorec.yaml", "listen_addr: 127.0.0.1:1\n")
	got, err := config.Load(config.Options{
		File:    file,
		Environ: []string{"PHOTOREC_LISTEN_ADDR=127.0.0.1:2"},
		Set:     map[string]string{"listen_addr": "127.0.0.1:3", "demo.seed": "7"},
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.ListenAddr != "127.0.0.1:3" || got.Demo.Seed != 7 {
		t.Errorf("listen_addr, demo.seed = %q, %d; want 127.0.0.1:3, 7", got.ListenAddr, got.Demo.Seed)
	}
	_, err = config.Load(config.Options{Set: map[string]string{"listen": "x", "worker.concurrency": "0"}})
	if diff := cmp.Diff([]string{"listen", "worker.concurrency"}, problemKeys(err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestWriteTOMLRoundTrip(t *testing.T) {
	c := config.Defaults()
	c.BaseURL = `https://example.com/a "quoted" path`
	c.Pull.NeighborFreshFor = 90 * time.Second
	c.Recommend.DismissWeight = 0.25
	c.Demo.Seed = -3
	c.Neo4j.Password = "pw"
	var b strings.Builder
	if err := c.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	got, err := config.Load(config.Options{File: writeFile(t, "photorec.toml", b.String())})
	if err != nil {
		t.Fatalf("Load of written TOML: %v\n%s", err, b.String())
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s\nTOML:\n%s", diff, b.String())
	}
}

func TestUnknownEnv(t *testing.T) {
	environ := []string{
		"PHOTOREC_NEO4J_PASWORD=typo",
		"PHOTOREC_BENCH_USERS=5000",
		"PHOTOREC_NEO4J_PASSWORD=ok",
		"PHOTOREC_ADMIN_PASSWORD_FILE=/run/secrets/admin",
		"PHOTOREC_CONFIG=photorec.yaml",
		"PHOTOREC_BENCH_USERS=again",
		"HOME=/root",
	}
	want := []string{"PHOTOREC_BENCH_USERS", "PHOTOREC_NEO4J_PASWORD"}
	if diff := cmp.Diff(want, config.UnknownEnv(environ)); diff != "" {
		t.Errorf("UnknownEnv (-want +got):\n%s", diff)
	}
	if _, err := config.Load(config.Options{Environ: []string{"PHOTOREC_BENCH_USERS=5000"}}); err != nil {
		t.Errorf("Load rejects a PHOTOREC_ variable that names no key: %v", err)
	}
}

func TestLoadAlgorithms(t *testing.T) {
	known := []string{"hybrid", "flexplore"}
	for _, tt := range []struct {
		name, algo string
		known      []string
		wantErr    bool
	}{
		{"known", "flexplore", known, false},
		{"unknown", "magic", known, true},
		{"any without a list", "magic", nil, false},
		{"empty", " ", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(config.Options{Set: map[string]string{"recommend.algorithm": tt.algo}, Algorithms: tt.known})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load(recommend.algorithm=%q) = %v, want an error: %v", tt.algo, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "recommend.algorithm") {
				t.Errorf("error %q does not name the key", err)
			}
		})
	}
}
