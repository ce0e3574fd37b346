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
	// MaxNeighbors caps the neighbors whose favorites a run pulls, most taken first (graph.ByTaken);
	// default graph.MaxLimit (500), the most allowed.
	MaxNeighbors int
	// OwnerPhotos caps the photostreams of the owners the member faves most (the first neighbors
	// by graph.ByTaken) a run pulls; default 100, negative: none, at most graph.MaxLimit.
	OwnerPhotos int
	// ContactFaves caps the favorites pulls of the member's contacts a run makes beyond its
	// neighbors' (contacts among the MaxNeighbors neighbors are pulled as neighbors); default
	// 100, negative: none.
	ContactFaves int
	// ContactPhotos caps the photostreams of the member's contacts a run pulls beyond the
	// OwnerPhotos owners'; default 100, negative: none.
	ContactPhotos int
	// PhotosPerPerson is the newest public photos one photostream pull asks for: one call;
	// default 100, at most 500 (flickr.MaxPerPage).
	PhotosPerPerson int
	// FirstPulls: the first pulls of a run's fan-out, in planned order, go to the pull-first
	// queue, ahead of every other background pull; default 100.
	FirstPulls int
	// NeighborFresh: a person's favorites or photostream pulled this recently, for anyone, is not
	// pulled again; default 24h.
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
	p.OwnerPhotos = countOrDefault(p.OwnerPhotos, 100, graph.MaxLimit)
	p.ContactFaves = countOrDefault(p.ContactFaves, 100, -1)
	p.ContactPhotos = countOrDefault(p.ContactPhotos, 100, -1)
	if p.PhotosPerPerson <= 0 {
		p.PhotosPerPerson = 100
	}
	p.PhotosPerPerson = min(p.PhotosPerPerson, flickr.MaxPerPage)
	if p.FirstPulls <= 0 {
		p.FirstPulls = 100
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

// countOrDefault resolves a cap of Pipeline: 0 is def, negative is none (0), and above limit
// (when limit >= 0) is limit.
func countOrDefault(n, def, limit int) int {
	switch {
	case n == 0:
		n = def
	case n < 0:
		return 0
	}
	if limit >= 0 && n > limit {
		return limit
	}
	return n
}

// fanCaps are the bounds of one run's fan-out (plan.go).
func (p Pipeline) fanCaps() fanCaps {
	return fanCaps{neighbors: p.MaxNeighbors, ownerPhotos: p.OwnerPhotos, contactFaves: p.ContactFaves,
		contactPhotos: p.ContactPhotos, contactTaken: contactTaken, photostreamShare: photostreamShare,
		firstPhotostreams: firstPhotostreams}
}

// PullStates is what a Client reads from the graph to plan a pull (graph.Store has it).
type PullStates interface {
	PullState(ctx context.Context, nsid string) (graph.PullState, error)
}

// Graph is what ingest tasks and the scheduler need of the graph (graph.Store has it).
type Graph interface {
	PullStates
	AddFaves(ctx context.Context, b graph.FavesBatch) error
	AddPhotos(ctx context.Context, b graph.PhotosBatch) error
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
	PublicPhotos(ctx context.Context, nsid string, page, perPage int) (flickr.PhotoPage, error)
}
