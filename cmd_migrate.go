package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/photorec/photorec/config"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "[--config FILE]", `
Apply the Neo4j schema (constraints, indexes, and the data migrations that fill a new indexed
property) when graph.backend is neo4j. Migrations are idempotent: running it again, or two at
once, changes nothing. The other subcommands refuse a Neo4j database whose migrations are missing
or newer than theirs. With the embedded graph there is nothing to migrate; it says so and
succeeds.`)
	cf := addConfigFlags(fs)
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if cfg.Graph.Backend != config.BackendNeo4j {
		_, err := fmt.Fprintf(stdout, "graph.backend is %s: nothing to migrate\n", cfg.Graph.Backend)
		return err
	}
	log := newLogger(cfg.Log, stderr)
	s, err := openNeo4j(ctx, cfg, log, true)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	err = s.Migrate(ctx)
	if cerr := s.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close neo4j: %w", cerr))
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "neo4j schema at %s is up to date\n", cfg.Redacted().Neo4j.URI)
	return err
}
