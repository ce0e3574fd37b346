package config

import (
	"strconv"
	"strings"
	"time"
)

// EnvPrefix starts every environment variable photorec reads.
const EnvPrefix = "PHOTOREC_"

// MaxNeighborsLimit bounds pull.max_neighbors: the most neighbors one graph read returns
// (graph.MaxLimit; config imports no project package, so main's tests keep the two equal).
const MaxNeighborsLimit = 500

// MaxPhotosPerPerson bounds pull.photos_per_person: one page of a photostream (flickr.MaxPerPage;
// main's tests keep the two equal).
const MaxPhotosPerPerson = 500

// Key describes one setting: its dotted snake_case name, its default, whether it is a secret and
// what it means. The table returned by Keys is the single source of defaults.
type Key struct {
	Name    string // e.g. "flickr.calls_per_hour"
	Default any    // string, int, int64, float64 or time.Duration, matching the Config field
	Secret  bool   // masked by Redacted; also read from the file named by Env()+"_FILE"
	Doc     string // one line for `photorec config --keys` and the README

	field func(*Config) any // pointer to the Config field
}

// Env returns the environment variable of k: PHOTOREC_ + upper(name) with "." as "_",
// e.g. PHOTOREC_NEO4J_PASSWORD.
func (k Key) Env() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(k.Name, ".", "_"))
}

// DefaultString is k's default as `photorec config` prints it.
func (k Key) DefaultString() string { return format(k.Default) }

func (k Key) problem(p string) *FieldError {
	return &FieldError{Key: k.Name, Env: k.Env(), Problem: p}
}

// table lists every key once, in the order `photorec config` prints them.
var table = []Key{
	{Name: "data_dir", Default: "./data", Doc: "directory of the embedded graph, generated keys and demo data",
		field: func(c *Config) any { return &c.DataDir }},
	{Name: "listen_addr", Default: "127.0.0.1:8080", Doc: "host:port the HTTP server listens on",
		field: func(c *Config) any { return &c.ListenAddr }},
	{Name: "base_url", Default: "", Doc: `public URL of the app (OAuth callbacks); "" means http://<listen_addr>`,
		field: func(c *Config) any { return &c.BaseURL }},
	{Name: "proxy_header", Default: "", Doc: `header with the client IP behind a reverse proxy, e.g. X-Forwarded-For; "" uses the peer address`,
		field: func(c *Config) any { return &c.ProxyHeader }},
	{Name: "log.level", Default: "info", Doc: "debug, info, warn or error",
		field: func(c *Config) any { return &c.Log.Level }},
	{Name: "log.format", Default: "text", Doc: "text or json",
		field: func(c *Config) any { return &c.Log.Format }},
	{Name: "graph.backend", Default: BackendEmbedded, Doc: "embedded (in-process, in data_dir) or neo4j",
		field: func(c *Config) any { return &c.Graph.Backend }},
	{Name: "neo4j.uri", Default: "neo4j://localhost:7687", Doc: "Neo4j URI (neo4j://, neo4j+s://, bolt://, ...)",
		field: func(c *Config) any { return &c.Neo4j.URI }},
	{Name: "neo4j.username", Default: "neo4j", Doc: "Neo4j user",
		field: func(c *Config) any { return &c.Neo4j.Username }},
	{Name: "neo4j.password", Default: "", Secret: true, Doc: "Neo4j password",
		field: func(c *Config) any { return &c.Neo4j.Password }},
	{Name: "neo4j.database", Default: "neo4j", Doc: `Neo4j database; "" means the server's default`,
		field: func(c *Config) any { return &c.Neo4j.Database }},
	{Name: "neo4j.read_timeout", Default: 5 * time.Second, Doc: "longest a read may run: its transaction timeout on the server and its context deadline (1s..5m); a memory error is not retried",
		field: func(c *Config) any { return &c.Neo4j.ReadTimeout }},
	{Name: "neo4j.ranking_size", Default: 500, Doc: "photos a stored ranking keeps per member and algorithm (1..2000); pages past them are empty",
		field: func(c *Config) any { return &c.Neo4j.RankingSize }},
	{Name: "neo4j.ranking_stale", Default: 5 * time.Minute, Doc: "age past which reading a stored ranking queues its recomputation (1s..24h)",
		field: func(c *Config) any { return &c.Neo4j.RankingStale }},
	{Name: "redis.url", Default: "", Doc: `Redis for the task queue (redis://, rediss://, unix://); "" runs an in-process queue`,
		field: func(c *Config) any { return &c.Redis.URL }},
	{Name: "flickr.api_key", Default: "", Doc: "Flickr API key",
		field: func(c *Config) any { return &c.Flickr.APIKey }},
	{Name: "flickr.api_secret", Default: "", Secret: true, Doc: "Flickr API secret",
		field: func(c *Config) any { return &c.Flickr.APISecret }},
	{Name: "flickr.api_base", Default: "https://api.flickr.com/services/rest/", Doc: "Flickr REST endpoint",
		field: func(c *Config) any { return &c.Flickr.APIBase }},
	{Name: "flickr.oauth_base", Default: "https://www.flickr.com/services/oauth/", Doc: "Flickr OAuth endpoints' base",
		field: func(c *Config) any { return &c.Flickr.OAuthBase }},
	{Name: "flickr.calls_per_hour", Default: 3480, Doc: "Flickr calls per hour, shared by every process (calls_per_hour + burst stays within Flickr's 3,600)",
		field: func(c *Config) any { return &c.Flickr.CallsPerHour }},
	{Name: "flickr.burst", Default: 120, Doc: "Flickr calls allowed at once above the steady rate (a new user's first minute)",
		field: func(c *Config) any { return &c.Flickr.Burst }},
	{Name: "recommend.algorithm", Default: "hybrid", Doc: "default algorithm, a name of graph.AlgorithmList (photorec eval lists them; docs/evaluation.md)",
		field: func(c *Config) any { return &c.Recommend.Algorithm }},
	{Name: "recommend.scale", Default: 150.0, Doc: "Flexplore scale: score = scale*sqrt(common/(total+prior))",
		field: func(c *Config) any { return &c.Recommend.Scale }},
	{Name: "recommend.prior", Default: 250.0, Doc: "Flexplore prior added to a neighbor's total favorites",
		field: func(c *Config) any { return &c.Recommend.Prior }},
	{Name: "recommend.dismiss_weight", Default: 1.0, Doc: "common favorites one dismissed photo cancels",
		field: func(c *Config) any { return &c.Recommend.DismissWeight }},
	{Name: "recommend.cache_pages", Default: 16384, Doc: "photo pages the embedded graph keeps computed (one per member and query)",
		field: func(c *Config) any { return &c.Recommend.CachePages }},
	{Name: "recommend.cache_stale", Default: 5 * time.Minute, Doc: "how long a kept page may lag others' faves (your own always show at once, your neighbors' at once to you); 0s: never",
		field: func(c *Config) any { return &c.Recommend.CacheStale }},
	{Name: "recommend.cache_json_mib", Default: 512, Doc: "MiB of photo-page JSON the server keeps for pages the graph kept (embedded graph)",
		field: func(c *Config) any { return &c.Recommend.CacheJSONMiB }},
	{Name: "recommend.precompute", Default: 65536, Doc: "members whose first page waits to be computed off the request path after their pull lands (embedded graph); 0: off",
		field: func(c *Config) any { return &c.Recommend.Precompute }},
	{Name: "pull.neighbor_cap", Default: 1000, Doc: "most recent favorites pulled per neighbor",
		field: func(c *Config) any { return &c.Pull.NeighborCap }},
	{Name: "pull.full_every", Default: 168 * time.Hour, Doc: "a full pull (detects removed favorites) at least this often",
		field: func(c *Config) any { return &c.Pull.FullEvery }},
	{Name: "pull.neighbor_fresh_for", Default: 24 * time.Hour, Doc: "a neighbor, or a member someone browses, pulled this recently for anyone is not pulled again",
		field: func(c *Config) any { return &c.Pull.NeighborFreshFor }},
	{Name: "pull.refresh_every", Default: 6 * time.Hour, Doc: "registered users are refreshed this often",
		field: func(c *Config) any { return &c.Pull.RefreshEvery }},
	{Name: "pull.max_neighbors", Default: MaxNeighborsLimit, Doc: "neighbors pulled per refresh, most-taken first (at most 500)",
		field: func(c *Config) any { return &c.Pull.MaxNeighbors }},
	{Name: "pull.owner_photos", Default: 100, Doc: "photostreams pulled per refresh of the owners the member faves most (0..500; 0: none)",
		field: func(c *Config) any { return &c.Pull.OwnerPhotos }},
	{Name: "pull.contact_faves", Default: 100, Doc: "contacts whose favorites are pulled per refresh, beyond the neighbors (0..500; 0: none)",
		field: func(c *Config) any { return &c.Pull.ContactFaves }},
	{Name: "pull.contact_photos", Default: 100, Doc: "contacts whose photostream is pulled per refresh, beyond those owners (0..500; 0: none)",
		field: func(c *Config) any { return &c.Pull.ContactPhotos }},
	{Name: "pull.photos_per_person", Default: 100, Doc: "newest public photos one photostream pull asks for: one call (1..500)",
		field: func(c *Config) any { return &c.Pull.PhotosPerPerson }},
	{Name: "worker.concurrency", Default: 8, Doc: "tasks processed at once per worker process",
		field: func(c *Config) any { return &c.Worker.Concurrency }},
	{Name: "worker.metrics_addr", Default: "", Doc: "host:port where `photorec work` serves /metrics and /healthz; empty serves nothing",
		field: func(c *Config) any { return &c.Worker.MetricsAddr }},
	{Name: "security.session_key", Default: "", Secret: true, Doc: "32 random bytes, base64: signs session cookies (demo: generated into data_dir)",
		field: func(c *Config) any { return &c.Security.SessionKey }},
	{Name: "security.token_key", Default: "", Secret: true, Doc: "32 random bytes, base64: encrypts stored Flickr tokens (demo: generated into data_dir)",
		field: func(c *Config) any { return &c.Security.TokenKey }},
	{Name: "admin.password", Default: "", Secret: true, Doc: "password of the admin pages",
		field: func(c *Config) any { return &c.Admin.Password }},
	{Name: "demo.seed", Default: int64(1), Doc: "seed of the demo's simulated Flickr world",
		field: func(c *Config) any { return &c.Demo.Seed }},
	{Name: "demo.world_users", Default: 5000, Doc: "members of the demo's simulated Flickr world",
		field: func(c *Config) any { return &c.Demo.WorldUsers }},
}

// Keys returns a copy of the defaults table, in display order.
func Keys() []Key {
	return append([]Key(nil), table...)
}

// Defaults returns the Config holding every key's default. It passes Validate.
func Defaults() Config {
	var c Config
	for _, k := range table {
		// Defaults have the field's exact type; assign cannot fail on them.
		_ = assign(k.field(&c), k.Default)
	}
	return c
}

func lookup(name string) (Key, bool) {
	for _, k := range table {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// format prints a value the way a config file or environment variable would spell it.
func format(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Duration:
		return formatDuration(x)
	case *string:
		return *x
	case *int:
		return strconv.Itoa(*x)
	case *int64:
		return strconv.FormatInt(*x, 10)
	case *float64:
		return strconv.FormatFloat(*x, 'g', -1, 64)
	case *time.Duration:
		return formatDuration(*x)
	}
	panic("config: unsupported type in the defaults table")
}

// formatDuration spells whole hours and minutes short ("168h", "90m"), else as time.Duration does.
func formatDuration(d time.Duration) string {
	switch {
	case d != 0 && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d != 0 && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

func isZero(ptr any) bool {
	switch p := ptr.(type) {
	case *string:
		return *p == ""
	case *int:
		return *p == 0
	case *int64:
		return *p == 0
	case *float64:
		return *p == 0
	case *time.Duration:
		return *p == 0
	}
	panic("config: unsupported type in the defaults table")
}
