package main

import (
	"context"
	"io"
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
