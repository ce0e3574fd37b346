package config

import (
	"errors"
	"fmt"
	"time"
)

// Config is photorec's typed configuration. Load fills it from the defaults table (keys.go), a
// file and the environment; each field's key and default are listed in Keys.
type Config struct {
	DataDir    string // data_dir: where the embedded graph, generated keys and the demo world live
	ListenAddr string // listen_addr: host:port of the HTTP server
	BaseURL    string // base_url: public URL of the app; "" means http://<listen_addr>
	// ProxyHeader (proxy_header) names the header holding the client IP when a reverse proxy
	// is in front; "" uses the peer address. Only set it behind a proxy that overwrites it.
	ProxyHeader string
	Log         Log
	Graph       Graph
	Neo4j       Neo4j
	Redis       Redis
	Flickr      Flickr
	Recommend   Recommend
	Pull        Pull
	Worker      Worker
	Security    Security
	Admin       Admin
	Demo        Demo
}

// Log selects log verbosity and encoding.
type Log struct {
	Level  string // log.level: debug, info, warn or error
	Format string // log.format: text or json
}

// Graph selects the graph backend.
type Graph struct {
	Backend string // graph.backend: embedded or neo4j
}

// Graph backends.
const (
	BackendEmbedded = "embedded"
	BackendNeo4j    = "neo4j"
)

// Neo4j is how to reach Neo4j when graph.backend is neo4j.
type Neo4j struct {
	URI      string // neo4j.uri: neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s:// or bolt+ssc://
	Username string // neo4j.username
	Password string // neo4j.password (secret)
	Database string // neo4j.database; "" means the server's default database
	// ReadTimeout is neo4j.read_timeout: every read's transaction timeout and context deadline.
	ReadTimeout time.Duration
	// RankingSize is neo4j.ranking_size: the photos a stored ranking keeps.
	RankingSize int
	// RankingStale is neo4j.ranking_stale: the age past which a read queues a recomputation.
	RankingStale time.Duration
}

// Redis is the queue's Redis.
type Redis struct {
	URL string // redis.url: redis://, rediss:// or unix://; "" runs an in-process queue
}

// Flickr is the Flickr API client's settings.
type Flickr struct {
	APIKey       string // flickr.api_key
	APISecret    string // flickr.api_secret (secret)
	APIBase      string // flickr.api_base: REST endpoint
	OAuthBase    string // flickr.oauth_base: OAuth endpoints' base
	CallsPerHour int    // flickr.calls_per_hour: budget shared by every process
	Burst        int    // flickr.burst: calls allowed at once above the steady rate
}

// Recommend holds the recommendation algorithm and the Flexplore constants.
type Recommend struct {
	Algorithm     string        // recommend.algorithm: a name of graph.AlgorithmList
	Scale         float64       // recommend.scale
	Prior         float64       // recommend.prior
	DismissWeight float64       // recommend.dismiss_weight
	CachePages    int           // recommend.cache_pages: photo pages the embedded graph keeps
	CacheStale    time.Duration // recommend.cache_stale: how long a kept page may miss strangers' faves
	CacheJSONMiB  int           // recommend.cache_json_mib: MiB of page JSON the server keeps
	Precompute    int           // recommend.precompute: members whose first page may wait to be computed after their data lands
}

// Pull shapes how much of Flickr is pulled and how often.
type Pull struct {
	NeighborCap      int           // pull.neighbor_cap: most recent favorites pulled per neighbor
	FullEvery        time.Duration // pull.full_every: a full pull (detects removals) at least this often
	NeighborFreshFor time.Duration // pull.neighbor_fresh_for: a neighbor pulled this recently is not pulled again
	RefreshEvery     time.Duration // pull.refresh_every: registered users are refreshed this often
	MaxNeighbors     int           // pull.max_neighbors: neighbors pulled per refresh, most-taken first; 1..MaxNeighborsLimit
	OwnerPhotos      int           // pull.owner_photos: photostreams of the owners faved most, per refresh; 0..MaxNeighborsLimit, 0 none
	ContactFaves     int           // pull.contact_faves: contacts' favorites pulls per refresh beyond the neighbors; 0..MaxNeighborsLimit, 0 none
	ContactPhotos    int           // pull.contact_photos: contacts' photostreams per refresh beyond those owners; 0..MaxNeighborsLimit, 0 none
	PhotosPerPerson  int           // pull.photos_per_person: newest photos per photostream pull; 1..MaxPhotosPerPerson
}

// Worker sizes the task workers.
type Worker struct {
	Concurrency int    // worker.concurrency: tasks processed at once per process
	MetricsAddr string // worker.metrics_addr: where `photorec work` serves /metrics and /healthz; "" none
}

// Security holds the server's keys: 32 random bytes each, base64.
type Security struct {
	SessionKey string // security.session_key (secret): signs session cookies
	TokenKey   string // security.token_key (secret): encrypts stored Flickr tokens
}

// Admin holds the admin pages' credential.
type Admin struct {
	Password string // admin.password (secret)
}

// Demo shapes `photorec demo`'s simulated Flickr world.
type Demo struct {
	Seed       int64 // demo.seed: the same seed gives the same world
	WorldUsers int   // demo.world_users: members in the simulated world
}

// PublicURL returns BaseURL, or http://<ListenAddr> when BaseURL is empty.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.ListenAddr
}

// Require reports every key in keys whose value is empty or zero, joined, as *FieldError values.
// Subcommands call it for the settings they cannot run without (e.g. flickr.api_key for serve).
// An unknown key is reported as such.
func (c Config) Require(keys ...string) error {
	var errs []error
	for _, name := range keys {
		k, ok := lookup(name)
		if !ok {
			errs = append(errs, &FieldError{Key: name, Problem: "unknown key"})
			continue
		}
		if isZero(k.field(&c)) {
			errs = append(errs, k.problem("is required here but empty"))
		}
	}
	return errors.Join(errs...)
}

// FieldError is one problem with one key. Its message never contains a secret's value.
type FieldError struct {
	Key     string // dotted key, e.g. "flickr.calls_per_hour"
	Env     string // environment variable of the key; "" for keys outside the table
	Problem string
}

func (e *FieldError) Error() string {
	if e.Env == "" {
		return fmt.Sprintf("config: %s: %s", e.Key, e.Problem)
	}
	return fmt.Sprintf("config: %s (%s): %s", e.Key, e.Env, e.Problem)
}

// Problems returns the *FieldError values in err (as joined by Load, Validate or Require), in
// order. Other errors in err are skipped.
func Problems(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok { //nolint:errorlint // walks the error tree itself, joins included
			out = append(out, fe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		walk(errors.Unwrap(err))
	}
	walk(err)
	return out
}
