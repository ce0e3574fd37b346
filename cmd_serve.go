package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/worker"
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

// wireServe builds the graph store (openStore), the Flickr client, the queue and the HTTP
// server from cfg, and serves until ctx ends. With the embedded graph, or without redis.url,
// the workers and the scheduler run in this process too (a single node).
func wireServe(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	n, err := newNode(cfg, log)
	if err != nil {
		return err
	}
	return n.run(ctx, func() error {
		if n.rdb, err = queueRedis(ctx, cfg, &n.st); err != nil {
			return err
		}
		if err := n.openGraph(ctx); err != nil {
			return err
		}
		if err := n.openFlickr(flickrOptions(cfg, n.rdb, n.metrics, log)); err != nil {
			return err
		}
		if cfg.Graph.Backend == config.BackendEmbedded || cfg.Redis.URL == "" {
			if err := n.startWorkers(ctx, worker.RolePull|worker.RoleIngest|worker.RoleScheduler); err != nil {
				return err
			}
		}
		if err := n.newClient(); err != nil {
			return err
		}
		url, err := n.serveHTTP()
		if err != nil {
			return err
		}
		log.Info("serving", "url", url)
		return nil
	})
}
