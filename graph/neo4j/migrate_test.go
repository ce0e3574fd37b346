package neo4j

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/photorec/photorec/cypher"
)

func TestCheckSchema(t *testing.T) {
	tests := []struct {
		name    string
		applied []int64
		known   int
		wantErr string // "" for none
	}{
		{"all applied", []int64{1, 2, 3}, 3, ""},
		{"fresh database", nil, 3, "migrations [1 2 3] of 1..3 are not applied: run `photorec migrate`"},
		{"one missing", []int64{1, 3}, 3, "migrations [2] of 1..3"},
		{"binary newer", []int64{1, 2}, 3, "migrations [3] of 1..3"},
		{"database newer", []int64{1, 2, 3, 4}, 3, "has migration 4, this binary knows 1..3: it was migrated by a newer photorec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSchema(tt.applied, tt.known)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("checkSchema = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("checkSchema = %v, want ErrSchema containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestMigrateConcurrently runs two Migrate at once on a database with no recorded migrations and
// checks that each version is recorded once, then that Open accepts the database.
func TestMigrateConcurrently(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.exec(ctx, cypher.DeleteMigrations, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d: %v", i+1, err)
		}
	}
	ms, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.appliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("recorded versions %v, want 1..%d once each", got, len(ms))
	}
	if err := s.checkSchema(ctx); err != nil {
		t.Errorf("checkSchema after migrating: %v", err)
	}
}

// TestOpenRefusesSchema checks that Open refuses a database with a missing migration and one
// with a migration newer than the binary, naming what to do.
func TestOpenRefusesSchema(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ms, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	open := func() error {
		s2, err := Open(ctx, Options{
			URI:      os.Getenv("TEST_NEO4J_URI"),
			Username: os.Getenv("TEST_NEO4J_USER"),
			Password: os.Getenv("TEST_NEO4J_PASSWORD"),
			Database: os.Getenv("TEST_NEO4J_DATABASE"),
		})
		if err == nil {
			s2.Close()
		}
		return err
	}
	if err := open(); err != nil {
		t.Fatalf("Open of a migrated database: %v", err)
	}
	newer := len(ms) + 1
	if err := s.exec(ctx, cypher.RecordMigration, recordMigrationParams(newer, "9999_from_the_future", t0)); err != nil {
		t.Fatal(err)
	}
	if err := open(); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "newer photorec") {
		t.Errorf("Open with migration %d recorded: %v, want ErrSchema (newer)", newer, err)
	}
	if err := s.exec(ctx, cypher.DeleteMigrations, nil); err != nil {
		t.Fatal(err)
	}
	if err := open(); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "photorec migrate") {
		t.Errorf("Open with no migration recorded: %v, want ErrSchema (missing)", err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}
