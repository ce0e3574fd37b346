package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/server"
)

// importedStore returns a config whose data_dir holds an embedded graph with goodFaves.
func importedStore(t *testing.T, extra string) (string, config.Config) {
	t.Helper()
	path := writeFile(t, "photorec.yaml", fmt.Sprintf("data_dir: %q\nlog:\n  level: warn\n%s", t.TempDir(), extra))
	cfg, err := config.Load(config.Options{File: path})
	if err != nil {
		t.Fatal(err)
	}
	tsv := writeFile(t, "faves.tsv", goodFaves)
	if _, stderr, err := runCmd(t, "import", "--config", path, "--faves", tsv); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	return path, cfg
}

func storeStats(t *testing.T, cfg config.Config) graph.Stats {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, cfg, newLogger(cfg.Log, os.Stderr))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestBackupRestoreCommands(t *testing.T) {
	srcCfgFile, srcCfg := importedStore(t, "")
	want := storeStats(t, srcCfg)
	if want.Faves == 0 {
		t.Fatal("nothing imported")
	}
	out := filepath.Join(t.TempDir(), "graph.backup")
	stdout, stderr, err := runCmd(t, "backup", "--config", srcCfgFile, "--out", out)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "via data dir") {
		t.Errorf("backup output: %s", stdout)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("backup file mode %o, want 600", mode)
	}

	dstCfgFile, dstCfg := storeConfig(t)
	if _, stderr, err := runCmd(t, "restore", "--config", dstCfgFile, "--from", out); err != nil {
		t.Fatalf("restore: %v\n%s", err, stderr)
	}
	if diff := cmp.Diff(want, storeStats(t, dstCfg)); diff != "" {
		t.Errorf("restored stats (-source +restored):\n%s", diff)
	}
	// A second restore into the now non-empty graph is refused; --force replaces it.
	if _, _, err := runCmd(t, "restore", "--config", dstCfgFile, "--from", out); err == nil {
		t.Error("restore into a non-empty graph succeeded without --force")
	}
	if _, stderr, err := runCmd(t, "restore", "--config", dstCfgFile, "--from", out, "--force"); err != nil {
		t.Fatalf("restore --force: %v\n%s", err, stderr)
	}
	// While a process holds the graph, restore refuses.
	ctx := context.Background()
	s, err := openStore(ctx, dstCfg, newLogger(dstCfg.Log, os.Stderr))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "restore", "--config", dstCfgFile, "--from", out, "--force")
	s.Close()
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("restore while the graph is open: err = %v, want in use", err)
	}
}

// While a process holds the graph, backup downloads it from that process's server. The stand-in
// server below serves what server's /admin/backup serves (server/backup_test.go tests that one).
func TestBackupFromRunningServer(t *testing.T) {
	ctx := context.Background()
	_, cfg := importedStore(t, "")
	want := storeStats(t, cfg)
	s, err := embedded.Open(ctx, embedded.Options{Dir: graphDir(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const password = "swordfish"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if r.URL.Path != server.AdminBackupPath || !ok || user != "admin" || pass != password {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		var buf bytes.Buffer
		info, err := s.Backup(r.Context(), &buf)
		if err != nil {
			t.Error(err)
			return
		}
		w.Header().Set("X-Photorec-Backup-Seq", strconv.FormatUint(info.Seq, 10))
		_, _ = w.Write(buf.Bytes())
	}))
	defer ts.Close()

	cfgFile := writeFile(t, "photorec.yaml", fmt.Sprintf("data_dir: %q\nlog:\n  level: warn\nadmin:\n  password: %s\n", cfg.DataDir, password))
	out := filepath.Join(t.TempDir(), "graph.backup")
	stdout, stderr, err := runCmd(t, "backup", "--config", cfgFile, "--out", out, "--url", ts.URL)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "via server "+ts.URL) || strings.Contains(stdout, "sequence 0 ") {
		t.Errorf("backup output: %s", stdout)
	}
	dstCfgFile, dstCfg := storeConfig(t)
	if _, stderr, err := runCmd(t, "restore", "--config", dstCfgFile, "--from", out); err != nil {
		t.Fatalf("restore: %v\n%s", err, stderr)
	}
	if diff := cmp.Diff(want, storeStats(t, dstCfg)); diff != "" {
		t.Errorf("restored stats (-source +restored):\n%s", diff)
	}

	// Without the password, the running store cannot be backed up and nothing is written.
	noPass := writeFile(t, "photorec.yaml", fmt.Sprintf("data_dir: %q\nlog:\n  level: warn\n", cfg.DataDir))
	out2 := filepath.Join(t.TempDir(), "graph.backup")
	if _, _, err := runCmd(t, "backup", "--config", noPass, "--out", out2, "--url", ts.URL); err == nil {
		t.Error("backup of a running store without admin.password succeeded")
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Errorf("a failed backup left %s: %v", out2, err)
	}
}

func TestExportCommand(t *testing.T) {
	cfgFile, cfg := importedStore(t, "")
	want := storeStats(t, cfg)
	out := t.TempDir()
	stdout, stderr, err := runCmd(t, "export", "--config", cfgFile, "--out", out, "--import-dir", "/var/lib/neo4j/import")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	for _, s := range []string{"neo4j-admin database import full neo4j", "--nodes=User=/var/lib/neo4j/import/users.csv", "--relationships=FAVED=/var/lib/neo4j/import/faved.csv", "photorec migrate"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("export output lacks %q:\n%s", s, stdout)
		}
	}
	lines := func(dir, name string) int {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n") - 1 // minus the header
	}
	if got := lines(out, "faved.csv"); got != want.Faves {
		t.Errorf("faved.csv has %d rows, the graph %d faves", got, want.Faves)
	}
	if got := lines(out, "took.csv"); got != want.Photos {
		t.Errorf("took.csv has %d rows, the graph %d photos", got, want.Photos)
	}

	// --from exports a backup, even while the graph is held open.
	backup := filepath.Join(t.TempDir(), "graph.backup")
	if _, stderr, err := runCmd(t, "backup", "--config", cfgFile, "--out", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	s, err := embedded.Open(context.Background(), embedded.Options{Dir: graphDir(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := runCmd(t, "export", "--config", cfgFile, "--out", t.TempDir()); err == nil {
		t.Error("export of a graph held by another store succeeded")
	}
	out2 := t.TempDir()
	if _, stderr, err := runCmd(t, "export", "--config", cfgFile, "--out", out2, "--from", backup); err != nil {
		t.Fatalf("export --from: %v\n%s", err, stderr)
	}
	if got := lines(out2, "faved.csv"); got != want.Faves {
		t.Errorf("export --from: faved.csv has %d rows, want %d", got, want.Faves)
	}
}
