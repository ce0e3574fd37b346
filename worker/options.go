package worker

import (
	"context"
	"time"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
)

// Pipeline holds the tuning shared by Client and Worker. Every process of one installation
// must use the same values. Zero values take the documented defaults.
type Pipeline struct {
	// KeyPrefix prefixes every Redis key of run progress; default "photorec:".
	KeyPrefix string
	// NeighborCap caps a neighbor pull at the most recent N favorites; default 1000.
	NeighborCap int
	// MaxNeighbors caps the neighbors pulled per run, best first; default graph.MaxLimit (500).
	MaxNeighbors int
	// FirstNeighbors go to the pull-first queue, ahead of every other neighbor; default 50.
	FirstNeighbors int
	// NeighborFresh: a neighbor pulled this recently, for anyone, is not pulled again; default 24h.
	NeighborFresh time.Duration
	// FullEvery: a pull is full (detects removed favorites and unfollows) when the last full pull
	// is older than this, else incremental (min_fave_date); default 7 days.
	FullEvery time.Duration
	// RefreshCooldown: Refresh returns the last run instead of starting a new one when it
	// finished less than this ago; default 1 minute.
	RefreshCooldown time.Duration
	// RunTTL is how long a finished run stays readable in Redis; default 7 days.
	RunTTL time.Duration
	// MaxRunAge: the reaper ends runs older than this, counting their unfinished tasks as
	// failed, so progress always finishes; default 6h.
	MaxRunAge time.Duration
	// PullTimeout and IngestTimeout bound one task attempt (whole seconds); defaults 15 and 5 min.
	PullTimeout   time.Duration
	IngestTimeout time.Duration
	// MaxRetry is the retries of a task after its first attempt; default 5.
	MaxRetry int
}

func (p Pipeline) withDefaults() Pipeline {
	if p.KeyPrefix == "" {
		p.KeyPrefix = "photorec:"
	}
	if p.NeighborCap <= 0 {
		p.NeighborCap = 1000
	}
	if p.MaxNeighbors <= 0 || p.MaxNeighbors > graph.MaxLimit {
		p.MaxNeighbors = graph.MaxLimit
	}
	if p.FirstNeighbors <= 0 {
		p.FirstNeighbors = 50
	}
	if p.NeighborFresh <= 0 {
		p.NeighborFresh = 24 * time.Hour
	}
	if p.FullEvery <= 0 {
		p.FullEvery = 7 * 24 * time.Hour
	}
	if p.RefreshCooldown <= 0 {
		p.RefreshCooldown = time.Minute
	}
	if p.RunTTL <= 0 {
		p.RunTTL = 7 * 24 * time.Hour
	}
	if p.MaxRunAge <= 0 {
		p.MaxRunAge = 6 * time.Hour
	}
	if p.PullTimeout <= 0 {
		p.PullTimeout = 15 * time.Minute
	}
	if p.IngestTimeout <= 0 {
		p.IngestTimeout = 5 * time.Minute
	}
	if p.MaxRetry <= 0 {
		p.MaxRetry = 5
	}
	return p
}

// PullStates is what a Client reads from the graph to plan a pull (graph.Store has it).
type PullStates interface {
	PullState(ctx context.Context, nsid string) (graph.PullState, error)
}

// Graph is what ingest tasks and the scheduler need of the graph (graph.Store has it).
type Graph interface {
	PullStates
	AddFaves(ctx context.Context, b graph.FavesBatch) error
	FinishPull(ctx context.Context, p graph.PullDone) error
	SetContacts(ctx context.Context, nsid string, contacts []graph.User) error
	Neighbors(ctx context.Context, nsid string, order graph.NeighborOrder, limit int) ([]graph.Neighbor, error)
	DueForRefresh(ctx context.Context, olderThan time.Time, limit int) ([]string, error)
}

// Flickr is what pull tasks need of the Flickr client (*flickr.Client has it). Calls carry their
// rate-limit lane in the context (flickr.WithLane).
type Flickr interface {
	PublicFavorites(ctx context.Context, nsid string, q flickr.FavoritesQuery) (flickr.PhotoPage, error)
	PublicContacts(ctx context.Context, nsid string, page, perPage int) (flickr.ContactPage, error)
}
