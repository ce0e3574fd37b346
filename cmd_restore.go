package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph/embedded"
)

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", "--from FILE [--force] [--config FILE]", `
Restore a backup written by `+"`photorec backup`"+` into the embedded graph in data_dir. The
graph directory must hold no store unless --force is given (which replaces it). Restore
refuses while a process (demo, serve, work) has the graph open: stop it first. The backup's
checksum is verified before anything is replaced.`)
	cf := addConfigFlags(fs)
	from := fs.String("from", "", "backup `file` to restore (required)")
	force := fs.Bool("force", false, "replace the graph already in data_dir")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *from == "" {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: "restore: --from is required"}
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if cfg.Graph.Backend != config.BackendEmbedded {
		return fmt.Errorf("restore: graph.backend is %s: restore Neo4j with neo4j-admin database load", cfg.Graph.Backend)
	}
	f, err := os.Open(*from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	dir := graphDir(cfg)
	info, err := embedded.Restore(ctx, dir, f, embedded.RestoreOptions{Force: *force})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "restored %s (sequence %d, %d bytes) into %s\n", *from, info.Seq, info.Bytes, dir)
	return err
}
