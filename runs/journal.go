package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Run is what a Journal keeps of a run: enough to resume it (start its user's pull again) or to
// end it.
type Run struct {
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Reason    Reason    `json:"reason"`
	StartedAt time.Time `json:"started_at"`
}

// Journal keeps the runs that started and are not known to have ended, somewhere that outlives
// the queue's Redis (the demo's Redis lives in its process). Store writes it when a run starts
// and when it ends; the worker's recovery (worker.Worker's scheduler role) reads it on start.
// Implementations must be safe for concurrent use.
type Journal interface {
	// Started records run; recording it again changes nothing.
	Started(ctx context.Context, run Run) error
	// Ended forgets the run with this id; an unknown id is not an error.
	Ended(ctx context.Context, id string) error
	// Unfinished lists the recorded runs, oldest first.
	Unfinished(ctx context.Context) ([]Run, error)
}

// FileJournal is a Journal in a bbolt file (the demo's and a single node's
// <data_dir>/runs.db). One process at a time opens it. Writes are synced before they return.
type FileJournal struct {
	db *bolt.DB
}

var journalBucket = []byte("unfinished")

// OpenFileJournal opens (creating it 0600) the journal at path. It fails after 5 s when
// another process holds it.
func OpenFileJournal(path string) (*FileJournal, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("runs: open journal %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(journalBucket)
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("runs: open journal %s: %w", path, err)
	}
	return &FileJournal{db: db}, nil
}

// Close closes the file.
func (j *FileJournal) Close() error { return j.db.Close() }

// Started implements Journal.
func (j *FileJournal) Started(_ context.Context, run Run) error {
	if run.ID == "" {
		return errors.New("runs: journal: run without id")
	}
	v, err := json.Marshal(run)
	if err != nil {
		return fmt.Errorf("runs: journal run %s: %w", run.ID, err)
	}
	if err := j.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(journalBucket).Put([]byte(run.ID), v)
	}); err != nil {
		return fmt.Errorf("runs: journal run %s: %w", run.ID, err)
	}
	return nil
}

// Ended implements Journal.
func (j *FileJournal) Ended(_ context.Context, id string) error {
	if err := j.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(journalBucket).Delete([]byte(id))
	}); err != nil {
		return fmt.Errorf("runs: journal end of run %s: %w", id, err)
	}
	return nil
}

// Unfinished implements Journal.
func (j *FileJournal) Unfinished(context.Context) ([]Run, error) {
	var out []Run
	err := j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(journalBucket).ForEach(func(k, v []byte) error {
			var r Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %s: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("runs: journal: %w", err)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].StartedAt.Before(out[b].StartedAt) })
	return out, nil
}
