package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/photorec/photorec/cypher"
)

// ErrSchema matches (errors.Is) the error of Open when the database's recorded migrations do not
// match this binary's: some are missing (run `photorec migrate`) or the database was migrated by a
// newer photorec (upgrade this binary).
var ErrSchema = errors.New("neo4j: schema does not match this binary")

// Migrate applies the schema migrations of package cypher that this database has not recorded
// yet, in version order, each in its own write transaction followed by a Migration node
// recording it. The Migration.version constraint is created first, so two processes migrating
// a fresh database at once record each version once; every migration is itself idempotent (IF
// NOT EXISTS, or an IS NULL guard), and a schema rule the other process created in the meantime
// counts as applied, so a crash or a race between a migration and its record does no harm.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := cypher.Migrations()
	if err != nil {
		return fmt.Errorf("neo4j: migrate: %w", err)
	}
	if err := s.execSchema(ctx, cypher.EnsureMigrationConstraint); err != nil {
		return fmt.Errorf("neo4j: migrate: %w", err)
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("neo4j: migrate: applied versions: %w", err)
	}
	done := map[int64]bool{}
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range ms {
		if done[int64(m.Version)] {
			continue
		}
		if err := s.execSchema(ctx, m.Statement); err != nil {
			return fmt.Errorf("neo4j: migrate %s: %w", m.Name, err)
		}
		if err := s.exec(ctx, cypher.RecordMigration, recordMigrationParams(m.Version, m.Name, time.Now())); err != nil {
			return fmt.Errorf("neo4j: record migration %s: %w", m.Name, err)
		}
		s.log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}

// execSchema runs a migration statement; an equivalent index or constraint that already exists
// (another process created it between IF NOT EXISTS and the commit) is success.
func (s *Store) execSchema(ctx context.Context, st cypher.Statement) error {
	err := s.exec(ctx, st, nil)
	var n4j *driver.Neo4jError
	if errors.As(err, &n4j) && strings.HasPrefix(n4j.Code, "Neo.ClientError.Schema.") &&
		strings.Contains(n4j.Code, "AlreadyExists") {
		return nil
	}
	return err
}

// appliedMigrations returns the recorded migration versions, ascending.
func (s *Store) appliedMigrations(ctx context.Context) ([]int64, error) {
	return read(ctx, s, func(t tx) ([]int64, error) {
		recs, err := run(ctx, t, cypher.AppliedMigrations, nil)
		if err != nil {
			return nil, err
		}
		out := make([]int64, 0, len(recs))
		for _, r := range recs {
			out = append(out, integer(row{r}.get("version")))
		}
		return out, nil
	})
}

// checkSchema compares the recorded versions (ascending) with the binary's migrations 1..known.
// The error matches ErrSchema and says what to do.
func checkSchema(applied []int64, known int) error {
	var missing []int64
	have := map[int64]bool{}
	var newest int64
	for _, v := range applied {
		have[v] = true
		newest = max(newest, v)
	}
	if newest > int64(known) {
		return fmt.Errorf("%w: the database has migration %d, this binary knows 1..%d: it was migrated by a newer photorec; run that version (or newer)",
			ErrSchema, newest, known)
	}
	for v := int64(1); v <= int64(known); v++ {
		if !have[v] {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: migrations %v of 1..%d are not applied: run `photorec migrate` first", ErrSchema, missing, known)
	}
	return nil
}
