package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/worker"
)

// workRoles are the roles a worker process can take.
var workRoles = []string{"pull", "ingest", "scheduler"}

func cmdWork(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("work", "[--config FILE] [--roles pull,ingest,scheduler] [--concurrency N]", `
Run queue workers against the Redis at redis.url, until SIGINT or SIGTERM. Scale by running more
processes. Roles: pull (fetch from Flickr; needs flickr.api_key and flickr.api_secret), ingest
(write to the graph), scheduler (enqueue periodic refreshes, reap failed tasks; safe in several
processes). ingest and scheduler open the graph: with the embedded graph only the one process
that owns data_dir may run them; with Neo4j any number may.`)
	cf := addConfigFlags(fs)
	roles := fs.String("roles", strings.Join(workRoles, ","), "comma-separated `roles` to run")
	cf.override(fs, "concurrency", "worker.concurrency", "tasks processed at once, `N`")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	picked, err := parseRoles(*roles)
	if err != nil {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: "work: " + err.Error()}
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	need := []string{"redis.url"}
	if slices.Contains(picked, "pull") {
		need = append(need, "flickr.api_key", "flickr.api_secret")
	}
	if err := cfg.Require(need...); err != nil {
		return err
	}
	return wireWork(ctx, cfg, picked, newLogger(cfg.Log, stderr))
}

// parseRoles splits a --roles value into distinct known roles, in workRoles order.
func parseRoles(s string) ([]string, error) {
	var picked []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if !slices.Contains(workRoles, r) {
			return nil, fmt.Errorf("unknown role %q in --roles (want some of %s)", r, strings.Join(workRoles, ", "))
		}
		if !slices.Contains(picked, r) {
			picked = append(picked, r)
		}
	}
	slices.SortFunc(picked, func(a, b string) int { return slices.Index(workRoles, a) - slices.Index(workRoles, b) })
	return picked, nil
}

// wireWork builds the Redis client, the Flickr client and limiter, and the graph store when the
// ingest or scheduler role is picked, and runs the workers for roles until ctx ends.
func wireWork(ctx context.Context, cfg config.Config, roles []string, log *slog.Logger) error {
	n, err := newNode(cfg, log)
	if err != nil {
		return err
	}
	return n.run(ctx, func() error {
		var picked worker.Role
		for _, r := range roles {
			switch r {
			case "pull":
				picked |= worker.RolePull
			case "ingest":
				picked |= worker.RoleIngest
			case "scheduler":
				picked |= worker.RoleScheduler
			}
		}
		if n.rdb, err = queueRedis(ctx, cfg, &n.st); err != nil {
			return err
		}
		if picked&(worker.RoleIngest|worker.RoleScheduler) != 0 {
			if err := n.openGraph(ctx); err != nil {
				return err
			}
		}
		if picked&worker.RolePull != 0 {
			if err := n.openFlickr(flickrOptions(cfg, n.rdb, n.metrics, log)); err != nil {
				return err
			}
		}
		if err := n.startWorkers(ctx, picked); err != nil {
			return err
		}
		if cfg.Worker.MetricsAddr != "" {
			addr, err := n.serveMetrics(cfg.Worker.MetricsAddr)
			if err != nil {
				return err
			}
			log.Info("serving metrics", "addr", addr)
		}
		log.Info("working", "roles", strings.Join(roles, ","))
		return nil
	})
}
