package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph/embedded"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--seed N] [--users N] [--reset]", `
Run everything in one process: a simulated Flickr (a synthetic world of demo.world_users members,
the same for the same demo.seed), an in-process queue, the workers, the embedded graph in
data_dir and the web UI. The graph and the simulated Flickr's writes (faves, comments) persist
in data_dir between runs; --reset deletes both first and starts over. Security keys that are
not configured are generated once and kept in <data_dir>/secrets/ (--reset keeps them). Stops
on SIGINT or SIGTERM.`)
	cf := addConfigFlags(fs)
	cf.override(fs, "listen", "listen_addr", "`host:port` to listen on")
	cf.override(fs, "data-dir", "data_dir", "`directory` for the graph and generated keys")
	cf.override(fs, "seed", "demo.seed", "world seed `N`")
	cf.override(fs, "users", "demo.world_users", "members `N` in the simulated world")
	reset := fs.Bool("reset", false, "start over: delete the demo's graph and simulated Flickr writes in data_dir first")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	if *reset {
		if err := resetDemo(cfg, log); err != nil {
			return fmt.Errorf("demo: reset: %w", err)
		}
	}
	created, err := cfg.EnsureSecurityKeys()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, key := range created {
		log.Info("generated security key", "key", key, "dir", cfg.DataDir)
	}
	return wireDemo(ctx, cfg, log, stdout)
}

// resetDemo deletes what the demo keeps in data_dir besides its keys: the embedded graph (which
// fails, deleting nothing, while a process has it open) and the simulated Flickr's directory
// (its journal and remembered address).
func resetDemo(cfg config.Config, log *slog.Logger) error {
	n, err := embedded.Remove(graphDir(cfg))
	if err != nil {
		return err
	}
	journal := demoJournalPath(cfg)
	if err := os.RemoveAll(filepath.Dir(journal)); err != nil {
		return fmt.Errorf("remove the simulator journal: %w", err)
	}
	log.Info("demo reset: graph and simulator journal deleted", "dir", cfg.DataDir, "graph_files", n)
	return nil
}
