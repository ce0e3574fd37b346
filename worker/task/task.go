package task

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Task type names (`domain:action`).
const (
	// TypePullUser pulls a person's public favorites and contacts from Flickr.
	TypePullUser = "flickr:pull-user"
	// TypePullNeighbor pulls a person's most recent public favorites from Flickr: a neighbor's
	// or a contact's.
	TypePullNeighbor = "flickr:pull-neighbor"
	// TypePullPhotos pulls a person's newest public photos (one page of their photostream).
	TypePullPhotos = "flickr:pull-photos"
	// TypeIngest writes the result of one pull to the graph.
	TypeIngest = "graph:ingest"
	// TypeRefreshDue starts refresh runs for registered users whose data is stale.
	TypeRefreshDue = "refresh:due"
	// TypeRank recomputes a member's stored rankings once a refresh run of theirs ended: their
	// neighbors' and contacts' data has landed. Only a graph that stores rankings (Neo4j) does
	// anything with it.
	TypeRank = "graph:rank"
)

// Queue names. Pull queues are served by every puller; QueueIngest only by processes that hold
// the graph. Pull servers use strict priority in the order listed here.
const (
	QueueInteractive = "pull-interactive" // a person waiting: first pull of a user, the owner of a new fave
	QueuePullFirst   = "pull-first"       // scheduled user pulls; the first pulls of a run's fan-out, by expected value
	QueuePull        = "pull"             // the rest of a run's fan-out
	QueueIngest      = "ingest"           // graph writes and refresh:due
)

// Lanes tell the Flickr client which rate-limit lane a pull uses.
const (
	LaneInteractive = "interactive"
	LaneBackground  = "background"
	LaneAnonymous   = "anonymous" // the first pull of a member someone browses: the visitors' share
)

// Pull kinds (the values of graph.PullKind).
const (
	KindFull        = "full"
	KindIncremental = "incremental"
)

// Pull is the payload of TypePullUser, TypePullNeighbor and TypePullPhotos.
type Pull struct {
	Job          string `json:"job"`                     // job id, shared by every run waiting for this pull
	Run          string `json:"run"`                     // run that enqueued the pull (for logs)
	User         string `json:"user"`                    // NSID whose favorites (or photos) are pulled
	PullID       string `json:"pull_id"`                 // shared by the batches of this pull (graph.FavesBatch.PullID)
	Kind         string `json:"kind"`                    // KindFull or KindIncremental; "" for a photostream pull
	MinFaveDate  int64  `json:"min_fave_date,omitempty"` // unix seconds; 0: no lower bound
	MaxFaves     int    `json:"max_faves,omitempty"`     // cap on favorites pulled, most recent first; 0: none
	WithContacts bool   `json:"with_contacts,omitempty"` // also pull the public contacts
	FanOut       bool   `json:"fan_out,omitempty"`       // after ingest, start the fan-out pulls for Run
	Lane         string `json:"lane,omitempty"`          // LaneInteractive, LaneAnonymous or LaneBackground ("" is background)
	// MaxPhotos > 0 makes this a photostream pull (TypePullPhotos): User's newest MaxPhotos
	// public photos, one page (at most 500), instead of favorites.
	MaxPhotos int `json:"max_photos,omitempty"`
}

// Photostream reports a photostream pull (TypePullPhotos).
func (p Pull) Photostream() bool { return p.MaxPhotos > 0 }

// Photo is one photo in an Ingest payload.
type Photo struct {
	ID       string `json:"id"`
	Owner    string `json:"owner"`
	Title    string `json:"title,omitempty"`
	Farm     int    `json:"farm,omitempty"`
	Server   string `json:"server,omitempty"`
	Secret   string `json:"secret,omitempty"`
	ThumbURL string `json:"thumb,omitempty"` // url_q, the 150 px square
	ImageURL string `json:"image,omitempty"` // the largest display size up to 1024 px (flickr.Photo.Display)
	// Width and Height are ImageURL's pixel size; 0 when unknown.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// Fave is one favorite in an Ingest payload: the photo (its fields at the top level of the JSON
// object) and when it was faved.
type Fave struct {
	Photo
	FavedAt int64 `json:"faved_at,omitempty"` // unix seconds; 0 when unknown
}

// Person is a user named in an Ingest payload (a photo owner or a contact).
type Person struct {
	NSID     string `json:"nsid"`
	Username string `json:"username,omitempty"`
	IconURL  string `json:"icon,omitempty"`
}

// Ingest is the payload of TypeIngest: everything one pull learned, written in batches.
type Ingest struct {
	Pull              // the pull this is the result of
	At       int64    `json:"at"` // unix nanoseconds when the pull finished
	Faves    []Fave   `json:"faves,omitempty"`
	Photos   []Photo  `json:"photos,omitempty"` // a photostream pull's photos, newest first, all User's
	Owners   []Person `json:"owners,omitempty"`
	Contacts []Person `json:"contacts,omitempty"` // meaningful only when Pull.WithContacts
	Calls    int      `json:"calls"`              // Flickr calls the pull spent
}

// RefreshDue is the payload of TypeRefreshDue. Slot is the scheduler period it belongs to (unix
// seconds, truncated to the period), which makes its task id deterministic across schedulers.
type RefreshDue struct {
	Slot int64 `json:"slot"`
}

// PullTaskID is the Asynq task id of the pull of job: at most one such task exists at a time,
// so concurrent requests for the same pull share it.
func PullTaskID(job string) string { return "pull:" + job }

// IngestTaskID is the Asynq task id of the ingest of one pull.
func IngestTaskID(job, pullID string) string { return "ingest:" + job + ":" + pullID }

// RefreshDueTaskID is the Asynq task id of the scheduler tick for slot.
func RefreshDueTaskID(slot int64) string { return fmt.Sprintf("refresh-due:%d", slot) }

// NewPull returns a TypePullPhotos task (p.MaxPhotos > 0), a TypePullUser task (p.FanOut or
// p.WithContacts set) or a TypePullNeighbor task.
func NewPull(p Pull, opts ...asynq.Option) (*asynq.Task, error) {
	typ := TypePullNeighbor
	switch {
	case p.Photostream():
		typ = TypePullPhotos
	case p.FanOut || p.WithContacts:
		typ = TypePullUser
	}
	return newTask(typ, p, opts)
}

// NewIngest returns a TypeIngest task.
func NewIngest(in Ingest, opts ...asynq.Option) (*asynq.Task, error) {
	return newTask(TypeIngest, in, opts)
}

// Rank is the payload of TypeRank.
type Rank struct {
	User string `json:"user"` // NSID whose rankings are recomputed
	Run  string `json:"run"`  // the refresh run that ended (for logs)
}

// NewRank returns a TypeRank task.
func NewRank(r Rank, opts ...asynq.Option) (*asynq.Task, error) {
	return newTask(TypeRank, r, opts)
}

// ParseRank decodes the payload of a TypeRank task.
func ParseRank(t *asynq.Task) (Rank, error) {
	var r Rank
	return r, parse(t, &r)
}

// NewRefreshDue returns a TypeRefreshDue task.
func NewRefreshDue(r RefreshDue, opts ...asynq.Option) (*asynq.Task, error) {
	return newTask(TypeRefreshDue, r, opts)
}

func newTask(typ string, payload any, opts []asynq.Option) (*asynq.Task, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("task: encode %s: %w", typ, err)
	}
	return asynq.NewTask(typ, b, opts...), nil
}

// ParsePull decodes the payload of a pull task.
func ParsePull(t *asynq.Task) (Pull, error) {
	var p Pull
	return p, parse(t, &p)
}

// ParseIngest decodes the payload of a TypeIngest task.
func ParseIngest(t *asynq.Task) (Ingest, error) {
	var in Ingest
	return in, parse(t, &in)
}

// ParseRefreshDue decodes the payload of a TypeRefreshDue task.
func ParseRefreshDue(t *asynq.Task) (RefreshDue, error) {
	var r RefreshDue
	return r, parse(t, &r)
}

func parse(t *asynq.Task, v any) error {
	if err := json.Unmarshal(t.Payload(), v); err != nil {
		return fmt.Errorf("task: decode %s: %w", t.Type(), err)
	}
	return nil
}

// Unix converts unix seconds (0: zero time) to a time.Time in UTC.
func Unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
