package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/photorec/photorec/config"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "[--config FILE] [--listen HOST:PORT]", `
Run the HTTP API and the web UI against real Flickr, until SIGINT or SIGTERM. Needs
flickr.api_key, flickr.api_secret, security.session_key and security.token_key.`)
	cf := addConfigFlags(fs)
	cf.override(fs, "listen", "listen_addr", "`host:port` to listen on")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if err := cfg.Require("flickr.api_key", "flickr.api_secret", "security.session_key", "security.token_key"); err != nil {
		return err
	}
	return wireServe(ctx, cfg, newLogger(cfg.Log, stderr))
}

// wireServe builds the graph store (openStore), the Flickr client, the worker client and the
// HTTP server from cfg, and serves until ctx ends, then shuts down in reverse order.
//
// Not wired yet: the lead connects it to server/ and worker/ once they land.
func wireServe(_ context.Context, _ config.Config, _ *slog.Logger) error {
	return errNotWired("serve")
}
