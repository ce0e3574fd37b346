package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/photorec/photorec/cypher"
)

// Migrate applies the schema migrations of package cypher that this database has not recorded
// yet, in version order, each in its own write transaction followed by a Migration node
// recording it. Every migration is itself idempotent (IF NOT EXISTS), so two processes
// migrating at once, or a crash between a migration and its record, do no harm.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := cypher.Migrations()
	if err != nil {
		return fmt.Errorf("neo4j: migrate: %w", err)
	}
	applied, err := write(ctx, s, func(t tx) (map[int64]bool, error) {
		recs, err := run(ctx, t, cypher.AppliedMigrations, nil)
		if err != nil {
			return nil, err
		}
		out := map[int64]bool{}
		for _, r := range recs {
			out[integer(row{r}.get("version"))] = true
		}
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("neo4j: migrate: applied versions: %w", err)
	}
	for _, m := range ms {
		if applied[int64(m.Version)] {
			continue
		}
		if err := s.exec(ctx, m.Statement, nil); err != nil {
			return fmt.Errorf("neo4j: migrate %s: %w", m.Name, err)
		}
		if err := s.exec(ctx, cypher.RecordMigration, recordMigrationParams(m.Version, m.Name, time.Now())); err != nil {
			return fmt.Errorf("neo4j: record migration %s: %w", m.Name, err)
		}
		s.log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}
