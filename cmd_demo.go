package main

import (
	"context"
	"fmt"
	"io"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--seed N] [--users N]", `
Run everything in one process: a simulated Flickr (a synthetic world of demo.world_users members,
the same for the same demo.seed), an in-process queue, the workers, the embedded graph in
data_dir and the web UI. Security keys that are not configured are generated once and kept
in <data_dir>/secrets/. Stops on SIGINT or SIGTERM.`)
	cf := addConfigFlags(fs)
	cf.override(fs, "listen", "listen_addr", "`host:port` to listen on")
	cf.override(fs, "data-dir", "data_dir", "`directory` for the graph and generated keys")
	cf.override(fs, "seed", "demo.seed", "world seed `N`")
	cf.override(fs, "users", "demo.world_users", "members `N` in the simulated world")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	created, err := cfg.EnsureSecurityKeys()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, key := range created {
		log.Info("generated security key", "key", key, "dir", cfg.DataDir)
	}
	return wireDemo(ctx, cfg, log, stdout)
}
