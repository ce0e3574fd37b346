package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/server"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "--out FILE [--url URL] [--config FILE]", `
Write a consistent point-in-time backup of the embedded graph to FILE (mode 0600: it holds the
sealed OAuth tokens). When no process has data_dir open, backup opens the graph itself; when a
demo or serve process owns it, backup downloads GET /admin/backup from that server (HTTP Basic
auth, user "admin", password admin.password) and the server keeps serving meanwhile.
Restore with `+"`photorec restore --from FILE`"+`. With graph.backend neo4j, use neo4j-admin
database dump instead.`)
	cf := addConfigFlags(fs)
	out := fs.String("out", "", "write the backup to `file` (required)")
	base := fs.String("url", "", "base `URL` of the running server (default: base_url, else http://listen_addr)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *out == "" {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: "backup: --out is required"}
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if cfg.Graph.Backend != config.BackendEmbedded {
		return fmt.Errorf("backup: graph.backend is %s: back up Neo4j with neo4j-admin database dump", cfg.Graph.Backend)
	}
	dir := graphDir(cfg)
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("backup: no embedded graph in %s: %w", dir, err)
	}
	// Write next to the destination, publish by rename: a file at --out is always complete.
	tmp := *out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp)
	seq, via, err := backupTo(ctx, cfg, *base, f, newLogger(cfg.Log, stderr))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "backup of %s at sequence %d (%d bytes, via %s) written to %s\n",
		dir, seq, fi.Size(), via, *out)
	return err
}

// backupTo writes the backup to w: from the store itself when no process holds it, else from
// the running server. It returns the backup's sequence number and where it came from.
func backupTo(ctx context.Context, cfg config.Config, base string, w io.Writer, log *slog.Logger) (uint64, string, error) {
	s, err := embedded.Open(ctx, embedded.Options{
		Dir:     graphDir(cfg),
		Params:  rankParams(cfg.Recommend),
		Default: graph.Algorithm(cfg.Recommend.Algorithm),
	})
	if err == nil {
		info, err := s.Backup(ctx, w)
		if cerr := s.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return info.Seq, "data dir", err
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return 0, "", err
	}
	// A running process owns the data dir: ask its server.
	if base == "" {
		base = cfg.PublicURL()
	}
	if cfg.Admin.Password == "" {
		return 0, "", fmt.Errorf("the graph is in use by a running process; set admin.password to download %s from it", server.AdminBackupPath)
	}
	url := strings.TrimRight(base, "/") + server.AdminBackupPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	req.SetBasicAuth("admin", cfg.Admin.Password)
	client := &http.Client{Timeout: 30 * time.Minute}
	res, err := client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("the graph is in use by a running process, and its server: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return 0, "", fmt.Errorf("the graph is in use by a running process whose server at %s does not offer %s "+
			"(is admin.password set for that process?)", base, server.AdminBackupPath)
	}
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("the graph is in use by a running process; GET %s: %s", url, res.Status)
	}
	if _, err := io.Copy(w, res.Body); err != nil {
		return 0, "", fmt.Errorf("download %s: %w", url, err)
	}
	seq, err := strconv.ParseUint(res.Header.Get("X-Photorec-Backup-Seq"), 10, 64)
	if err != nil {
		log.Warn("backup response without a sequence number", "url", url)
	}
	return seq, "server " + base, nil
}
