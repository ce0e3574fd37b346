package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/worker"
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
	return wireDemo(ctx, cfg, log, stdout)
}

// resetDemo deletes what the demo keeps in data_dir besides its keys: the embedded graph (which
// fails, deleting nothing, while a process has it open), the simulated Flickr's directory (its
// journal and remembered address) and the journal of unfinished runs.
func resetDemo(cfg config.Config, log *slog.Logger) error {
	n, err := embedded.Remove(graphDir(cfg))
	if err != nil {
		return err
	}
	journal := demoJournalPath(cfg)
	if err := os.RemoveAll(filepath.Dir(journal)); err != nil {
		return fmt.Errorf("remove the simulator journal: %w", err)
	}
	if err := os.Remove(runJournalPath(cfg)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the run journal: %w", err)
	}
	log.Info("demo reset: graph, simulator journal and run journal deleted", "dir", cfg.DataDir, "graph_files", n)
	return nil
}

// demoJournalPath is where the demo's simulated Flickr keeps the faves, unfaves and comments made
// through it, so they outlive a restart (flickrtest.World.OpenJournal).
func demoJournalPath(cfg config.Config) string {
	return filepath.Join(cfg.DataDir, "simulator", "journal.jsonl")
}

// demoSimulatorAddrPath is where the demo remembers its simulated Flickr's host:port, to serve it
// there again on the next run (see listenSimulator).
func demoSimulatorAddrPath(cfg config.Config) string {
	return filepath.Join(cfg.DataDir, "simulator", "addr")
}

// listenSimulator listens for the demo's simulated Flickr on the loopback address it had in the
// last run on this data dir, because the graph keeps the absolute image and icon URLs the
// simulator sent then. Without a remembered address, or when it is taken, it listens on a free
// loopback port, warning in the second case, and remembers the new address for the next run.
func listenSimulator(cfg config.Config, log *slog.Logger) (net.Listener, error) {
	path := demoSimulatorAddrPath(cfg)
	prev := ""
	switch b, err := os.ReadFile(path); {
	case err == nil:
		prev = strings.TrimSpace(string(b))
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("read the simulator address: %w", err)
	}
	if prev != "" {
		host, _, err := net.SplitHostPort(prev)
		if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsLoopback() {
			ln, err := net.Listen("tcp", prev)
			if err == nil {
				return ln, nil
			}
			log.Warn("the simulator's address of the last run is taken, so it moves to a free port: pictures stored by earlier runs will not load until their members are refreshed",
				"addr", prev, "err", err)
		} else {
			log.Warn("ignoring a remembered simulator address that is not a loopback host:port", "path", path, "addr", prev)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the simulator: %w", err)
	}
	if err := writeSimulatorAddr(path, ln.Addr().String()); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return ln, nil
}

// writeSimulatorAddr replaces the file at path with addr and a newline, atomically.
func writeSimulatorAddr(path, addr string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("remember the simulator address: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(addr+"\n"), 0o600); err != nil {
		return fmt.Errorf("remember the simulator address: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("remember the simulator address: %w", err)
	}
	return nil
}

// wireDemo opens the embedded graph (openStore) first, because its lock is the data dir's: a
// second demo on the same data_dir fails there, having written nothing (no keys, journal or
// simulator address). Then it generates missing security keys into data_dir, starts the Flickr
// simulator (flickrtest) on loopback at the address of the last run on data_dir
// (listenSimulator), the in-process queue (internal/embedredis), the workers and the HTTP
// server, whose photo and profile links go to the simulator's pages; it prints the URL to open
// on stdout, and runs until ctx ends, then shuts down in reverse order.
func wireDemo(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	n, err := newNode(cfg, log)
	if err != nil {
		return err
	}
	return n.run(ctx, func() error {
		start := time.Now()
		if err := n.openGraph(ctx); err != nil {
			return err
		}
		created, err := n.cfg.EnsureSecurityKeys()
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		for _, key := range created {
			log.Info("generated security key", "key", key, "dir", cfg.DataDir)
		}
		if err := privateDir(filepath.Dir(demoJournalPath(cfg))); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		world := flickrtest.Generate(flickrtest.WorldOptions{Seed: cfg.Demo.Seed, Users: cfg.Demo.WorldUsers})
		journal := demoJournalPath(cfg)
		js, err := world.OpenJournal(journal)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		n.st.push("simulator journal", func(context.Context) error { return world.CloseJournal() })
		if js.MovedAside != "" {
			log.Warn("simulator journal was written for another world; moved aside, starting a new one", "moved_to", js.MovedAside)
		}
		log.Info("simulator journal replayed", "path", journal, "replayed", js.Replayed, "skipped", js.Skipped, "torn_bytes", js.TornBytes)
		simLn, err := listenSimulator(cfg, log)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		sim := flickrtest.NewServer(world, flickrtest.Options{})
		sim.URL = "http://" + simLn.Addr().String()
		go func() {
			if err := sim.Serve(simLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				n.runErr <- err
			}
		}()
		n.st.push("flickr simulator", func(context.Context) error { sim.Close(); return nil })
		log.Info("flickr simulator ready", "url", sim.URL, "users", len(world.Users()), "duration_ms", time.Since(start).Milliseconds())

		if n.rdb, err = queueRedis(ctx, cfg, &n.st); err != nil {
			return err
		}
		fo := flickrOptions(cfg, n.rdb, n.metrics, log)
		fo.APIKey, fo.APISecret = flickrtest.DefaultConsumerKey, flickrtest.DefaultConsumerSecret
		fo.APIBase, fo.OAuthBase = sim.URL+"/services/rest/", sim.URL+"/services/oauth/"
		fo.IconBase = sim.URL + "/img/"
		if err := n.openFlickr(fo); err != nil {
			return err
		}
		if err := n.startWorkers(ctx, worker.RolePull|worker.RoleIngest|worker.RoleScheduler); err != nil {
			return err
		}
		if err := n.newClient(); err != nil {
			return err
		}
		n.imageSrc = []string{sim.URL}
		n.photoPageBase = sim.URL + "/photos/"
		url, err := n.serveHTTP()
		if err != nil {
			return err
		}
		log.Info("demo ready", "url", url, "duration_ms", time.Since(start).Milliseconds())
		fmt.Fprintf(stdout, "photorec demo is running: open %s\n", url)
		fmt.Fprintf(stdout, "simulated Flickr at %s (%d members); stop with Ctrl-C\n", sim.URL, len(world.Users()))
		return nil
	})
}

// privateDir creates dir with mode 0700, or makes an existing one 0700 (earlier versions made
// the simulator's directory 0755), like data_dir's other directories.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("make %s private: %w", dir, err)
	}
	return nil
}
