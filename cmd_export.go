package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "--out DIR [--from BACKUP] [--import-dir DIR] [--database NAME] [--config FILE]", `
Export the embedded graph as CSV files for neo4j-admin database import (Neo4j 5.19 or later),
with the labels and properties graph/neo4j uses, and print the import command. Then run
`+"`photorec migrate`"+` against the new database and switch graph.backend to neo4j. OAuth tokens
are not exported (they are secrets): users log in again. Without --from, export opens the graph
in data_dir, so no other process may hold it; with --from it exports a backup file (take one
from a running server with `+"`photorec backup`"+`).`)
	cf := addConfigFlags(fs)
	out := fs.String("out", "", "write the CSV files into `dir` (required)")
	from := fs.String("from", "", "export this backup `file` instead of data_dir's graph")
	importDir := fs.String("import-dir", "", "the directory as the Neo4j host sees the files, for the printed command (default --out)")
	db := fs.String("database", "neo4j", "Neo4j database `name` for the printed command")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *out == "" {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: "export: --out is required"}
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if *from == "" && cfg.Graph.Backend != config.BackendEmbedded {
		return fmt.Errorf("export: graph.backend is %s: export works on the embedded graph", cfg.Graph.Backend)
	}
	dir := graphDir(cfg)
	if *from != "" {
		// Restore the backup into a scratch directory and export that.
		scratch, err := os.MkdirTemp("", "photorec-export-*")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.RemoveAll(scratch)
		f, err := os.Open(*from)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		_, err = embedded.Restore(ctx, scratch, f, embedded.RestoreOptions{})
		f.Close()
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		dir = scratch
	} else if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("export: no embedded graph in %s: %w", dir, err)
	}
	s, err := embedded.Open(ctx, embedded.Options{
		Dir:     dir,
		Params:  rankParams(cfg.Recommend),
		Default: graph.Algorithm(cfg.Recommend.Algorithm),
		Logger:  newLogger(cfg.Log, stderr),
	})
	if err != nil {
		return fmt.Errorf("export: open embedded graph in %s (a running process holds it? use --from with a backup): %w", dir, err)
	}
	info, err := s.Export(ctx, *out)
	if cerr := s.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "exported the graph at sequence %d to %s:\n", info.Seq, info.Dir)
	for _, f := range info.Files {
		fmt.Fprintf(stdout, "  %-20s %-13s %-16s %d rows\n", f.Name, f.Kind, f.Type, f.Rows)
	}
	_, err = fmt.Fprintf(stdout, "\nWith Neo4j stopped, import them (this replaces database %s):\n\n%s\n\n"+
		"then start Neo4j, run `photorec migrate` with graph.backend neo4j, and point photorec at it.\n",
		*db, info.ImportCommand(*db, *importDir))
	return err
}
