package graph

import (
	"context"
	"time"
)

// User is a Flickr member. NSID is the key; other fields are best known values and may be empty.
type User struct {
	NSID     string // e.g. "12037949754@N01"
	Username string
	Realname string
	IconURL  string // buddy icon (48x48); empty when unknown
}

// Photo is a public Flickr photo. ID is the key (numeric string, may exceed 2^32).
type Photo struct {
	ID       string
	Owner    string // NSID of the photographer (TOOK edge)
	Title    string
	Farm     int
	Server   string
	Secret   string
	ThumbURL string // square 150px (url_q); empty when unknown
	ImageURL string // largest known display size (url_l, else url_c, url_z, url_m); empty when unknown
	// Width and Height are ImageURL's pixel size; 0 when unknown. Other sizes scale from it.
	Width, Height int
	// AddedAt is when the store first saw the photo (the time of the batch that added it).
	AddedAt time.Time
}

// Fave is one FAVED edge seen in a pull: the photo (with its owner) and when it was faved.
type Fave struct {
	Photo   Photo
	FavedAt time.Time // zero when unknown
}

// FavesBatch is part (or all) of one pull of User's favorites.
//
// AddFaves with the same batch twice is a no-op the second time. Owners carries what the pull
// learned about the photos' owners (username from extras); it is merged like UpsertUsers.
type FavesBatch struct {
	User   string
	PullID string // opaque id shared by every batch of one pull; "" for a single fave made in the app
	At     time.Time
	Faves  []Fave
	Owners []User
}

// PhotosBatch is part (or all) of one pull of Owner's public photos: TOOK edges without FAVED
// ones. AddPhotos with the same batch twice is a no-op the second time; each photo's Owner must be
// Owner.
type PhotosBatch struct {
	Owner  string
	At     time.Time
	Photos []Photo
}

// PullKind tells a full pull (every favorite, detects removals) from an incremental one.
type PullKind string

// Pull kinds.
const (
	PullFull        PullKind = "full"
	PullIncremental PullKind = "incremental"
)

// PullDone closes a pull. For PullFull, every FAVED edge of User that was not added (or
// re-added) by a batch carrying PullID is removed: favorites that disappeared on Flickr.
// FinishPull is idempotent.
type PullDone struct {
	User   string
	PullID string
	Kind   PullKind
	At     time.Time
}

// PullState is the bookkeeping for one user's pulls.
type PullState struct {
	LastPullAt     time.Time // end of the last finished pull of any kind; zero if never
	LastFullPullAt time.Time // end of the last finished full pull; zero if never
	NewestFaveAt   time.Time // newest FavedAt stored for the user: the next min_fave_date
	Registered     bool      // a person logged in as this user: the scheduler refreshes them
}

// Summary describes one user for the API.
type Summary struct {
	User       User
	Faves      int // stored favorites
	Neighbors  int // distinct owners of photos the user faved, the user excluded
	Pulled     int // neighbors whose favorites have been pulled at least once
	Contacts   int
	Pull       PullState
	Dismissals int // dismissed photos plus dismissed users
}

// NeighborOrder picks the order of Neighbors.
type NeighborOrder int

// Neighbor orders.
const (
	// ByTaken orders by how many of the user's favorites the neighbor took (desc), then NSID:
	// the expected value of pulling that neighbor.
	ByTaken NeighborOrder = iota
	// ByScore orders by the Flexplore neighbor score (desc), then NSID.
	ByScore
)

// Neighbor is one owner of a photo the user faved.
type Neighbor struct {
	User     User
	Taken    int       // how many of the user's favorites this neighbor took
	Common   int       // photos faved by both
	Total    int       // the neighbor's stored favorites
	Score    float64   // Flexplore score (see NeighborScore)
	PulledAt time.Time // the neighbor's PullState.LastPullAt
}

// Limits on RecOptions.Limit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// RecOptions selects one page of recommendations.
type RecOptions struct {
	Algorithm Algorithm
	Limit     int    // 1..MaxLimit; anything else is an *ArgumentError
	Cursor    string // "" for the first page, else a NextCursor from the previous page
	Why       int    // most people each Reason names; 0 means DefaultWhy
}

// PhotoRec is one recommended photo.
type PhotoRec struct {
	Photo   Photo
	Owner   User
	Score   float64
	Reasons []Reason // why it is here, largest share of Score first (algorithms.go)
}

// PhotoPage is one page of photo recommendations, ordered by score desc, then photo ID asc.
type PhotoPage struct {
	Items      []PhotoRec
	NextCursor string // "" on the last page
}

// UserRec is one recommended photographer.
type UserRec struct {
	User   User
	Score  float64
	Common int
	Total  int
}

// UserPage is one page of user recommendations, ordered by score desc, then NSID asc.
type UserPage struct {
	Items      []UserRec
	NextCursor string
}

// Stats counts what a store holds.
type Stats struct {
	Users, Photos, Faves, Follows int
}

// Store is the contract every graph backend implements; graph/graphtest checks it.
//
// Every method is safe for concurrent use, and every write is idempotent. Unknown users in reads
// give ErrNotFound; bad arguments give an *ArgumentError (errors.Is(err, ErrInvalidArgument)).
type Store interface {
	// UpsertUsers merges users by NSID; empty fields never overwrite known values.
	UpsertUsers(ctx context.Context, users []User) error
	// AddFaves merges the photos, their owners, the TOOK edges and the FAVED edges of one batch.
	AddFaves(ctx context.Context, b FavesBatch) error
	// AddPhotos merges photos and their TOOK edges (first owner wins) without FAVED edges: the
	// owner's photos nobody faved yet are candidates too.
	AddPhotos(ctx context.Context, b PhotosBatch) error
	// RemoveFave deletes one FAVED edge (an unfave made in the app). Missing edges are not errors.
	RemoveFave(ctx context.Context, user, photoID string) error
	// FinishPull records the end of a pull; see PullDone.
	FinishPull(ctx context.Context, p PullDone) error
	// PullState returns the bookkeeping for nsid; the zero value for an unknown user.
	PullState(ctx context.Context, nsid string) (PullState, error)
	// Register marks nsid as a user the scheduler keeps fresh (creating the user if needed).
	Register(ctx context.Context, nsid string) error
	// DueForRefresh lists registered users whose LastPullAt is before olderThan (never pulled
	// first), then by NSID, at most limit.
	DueForRefresh(ctx context.Context, olderThan time.Time, limit int) ([]string, error)
	// SetContacts replaces the FOLLOWS edges of nsid with contacts.
	SetContacts(ctx context.Context, nsid string, contacts []User) error

	// DismissPhoto, DismissUser and their inverses are idempotent.
	DismissPhoto(ctx context.Context, nsid, photoID string) error
	UndismissPhoto(ctx context.Context, nsid, photoID string) error
	DismissUser(ctx context.Context, nsid, target string) error
	UndismissUser(ctx context.Context, nsid, target string) error

	// User and Photo look up one node; ErrNotFound if absent.
	User(ctx context.Context, nsid string) (User, error)
	Photo(ctx context.Context, id string) (Photo, error)
	// Summary describes nsid; ErrNotFound if the user is unknown.
	Summary(ctx context.Context, nsid string) (Summary, error)
	// Neighbors lists nsid's neighbors in the given order, at most limit (1..MaxLimit).
	Neighbors(ctx context.Context, nsid string, order NeighborOrder, limit int) ([]Neighbor, error)
	// CommonFaves lists photos faved by both a and b, newest fave of a first, at most limit.
	CommonFaves(ctx context.Context, a, b string, limit int) ([]Photo, error)

	// RecommendPhotos and RecommendUsers rank recommendations for nsid; see the package docs
	// in score.go for the exact semantics. ErrNotFound if nsid is unknown.
	RecommendPhotos(ctx context.Context, nsid string, opts RecOptions) (PhotoPage, error)
	RecommendUsers(ctx context.Context, nsid string, opts RecOptions) (UserPage, error)
	// SimilarPhotos ranks photos like photoID ("more like this", algorithms.go) for viewer, whose
	// faves, own and dismissed photos are left out; viewer "" leaves out only the seed. Only
	// opts.Limit, Cursor and Why apply. ErrNotFound if the photo (or a non-empty viewer) is unknown.
	SimilarPhotos(ctx context.Context, photoID, viewer string, opts RecOptions) (PhotoPage, error)

	// PutToken, Token and DeleteToken keep one opaque (already encrypted) credential per user.
	PutToken(ctx context.Context, nsid string, sealed []byte) error
	Token(ctx context.Context, nsid string) ([]byte, error)
	DeleteToken(ctx context.Context, nsid string) error
	// MarkVisit records a visit of nsid's recommendations at `at` and returns the previous one.
	MarkVisit(ctx context.Context, nsid string, at time.Time) (time.Time, error)

	Stats(ctx context.Context) (Stats, error)
	Ping(ctx context.Context) error
	Close() error
}
