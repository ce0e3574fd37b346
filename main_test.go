package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
)

// runCmd calls run with args and returns what it printed.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// writeFile writes content to name in a fresh temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageAndExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int    // 0 for success
		wantStdout string // substring
		wantStderr string // substring
		wantErr    string // substring of the error
	}{
		{name: "no subcommand", args: nil, wantCode: 2, wantStderr: "Usage: photorec <subcommand>", wantErr: "no subcommand"},
		{name: "unknown subcommand", args: []string{"frobnicate"}, wantCode: 2, wantStderr: "Subcommands:", wantErr: `unknown subcommand "frobnicate"`},
		{name: "flag before subcommand", args: []string{"--config", "x.yaml", "serve"}, wantCode: 2, wantErr: "flags go after it"},
		{name: "top-level help", args: []string{"--help"}, wantStdout: "Subcommands:"},
		{name: "top-level -h", args: []string{"-h"}, wantStdout: "import"},
		{name: "help subcommand", args: []string{"help"}, wantStdout: "Subcommands:"},
		{name: "help of a subcommand", args: []string{"help", "import"}, wantStdout: "Usage: photorec import"},
		{name: "unknown flag", args: []string{"import", "--bogus"}, wantCode: 2, wantStderr: "Usage: photorec import", wantErr: "flag provided but not defined: -bogus"},
		{name: "stray argument", args: []string{"version", "extra"}, wantCode: 2, wantStderr: "Usage: photorec version", wantErr: `unexpected argument "extra"`},
		{name: "bad flag value", args: []string{"import", "--faves", "f.tsv", "--batch", "many"}, wantCode: 2, wantErr: "invalid value"},
		{name: "import without --faves", args: []string{"import"}, wantCode: 2, wantStderr: "--faves", wantErr: "--faves is required"},
		{name: "import from a pipe", args: []string{"import", "--faves", "-"}, wantCode: 2, wantErr: "must name a file"},
		{name: "unknown work role", args: []string{"work", "--roles", "pull,cook"}, wantCode: 2, wantErr: `unknown role "cook"`},
		{name: "version", args: []string{"version"}, wantStdout: "photorec "},
		{name: "missing import file", args: []string{"import", "--faves", "/nonexistent/faves.tsv"}, wantCode: 1, wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, tt.args...)
			code := 0
			if err != nil {
				code = exitCode(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit code = %d (error %v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode == 2 {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Errorf("error %v (%T) is not a *usageError", err, err)
				}
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr)
			}
		})
	}
}

func TestHelpOfEverySubcommand(t *testing.T) {
	names := []string{"demo", "serve", "work", "migrate", "import", "backup", "restore", "export", "eval", "config", "version"}
	var got []string
	for _, c := range commands() {
		got = append(got, c.name)
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("subcommands (-want +got):\n%s", diff)
	}
	for _, name := range names {
		for _, flag := range []string{"--help", "-h"} {
			t.Run(name+" "+flag, func(t *testing.T) {
				stdout, stderr, err := runCmd(t, name, flag)
				if err != nil {
					t.Fatalf("%s %s: %v", name, flag, err)
				}
				if want := "Usage: photorec " + name; !strings.HasPrefix(stdout, want) {
					t.Errorf("stdout does not start with %q:\n%s", want, stdout)
				}
				if stderr != "" {
					t.Errorf("stderr not empty:\n%s", stderr)
				}
			})
		}
	}
	stdout, _, _ := runCmd(t, "import", "--help")
	for _, want := range []string{"NOTHING from the file is applied", "idempotent", "no favorite\nalready in the graph is removed", "-faves"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import --help lacks %q:\n%s", want, stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	stdout, _, err := runCmd(t, "version")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "photorec ") || !strings.HasPrefix(lines[1], "commit ") ||
		!strings.HasPrefix(lines[2], "go go1.") {
		t.Errorf("version output:\n%s\nwant lines `photorec V`, `commit C`, `go goX`", stdout)
	}
}

// These tests change the process environment, so they are not parallel.
func TestConfigMasksSecrets(t *testing.T) {
	secretFile := writeFile(t, "token_key", "dG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmctLTAxMjM0NTY=\n")
	cfgFile := writeFile(t, "photorec.yaml", "flickr:\n  api_key: visible-key\n  api_secret: file-secret-value\n")
	t.Setenv("PHOTOREC_NEO4J_PASSWORD", "env-secret-value")
	t.Setenv("PHOTOREC_SECURITY_TOKEN_KEY_FILE", secretFile)
	t.Setenv("PHOTOREC_REDIS_URL", "redis://:url-secret-value@localhost:6379/0")

	t.Setenv("PHOTOREC_NEO4J_PASWORD", "typo")
	stdout, stderr, err := runCmd(t, "config", "--config", cfgFile)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	// Other PHOTOREC_ variables of the environment (e.g. PHOTOREC_ARTIFACTS in CI) may be listed too.
	noted := false
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "ignored environment variables that name no key:") && strings.Contains(line, "PHOTOREC_NEO4J_PASWORD") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("config does not point out the misspelled variable; stderr:\n%s", stderr)
	}
	for _, secret := range []string{"file-secret-value", "env-secret-value", "dG9rZW4ta2V5", "url-secret-value"} {
		if strings.Contains(stdout, secret) {
			t.Errorf("config printed secret %q:\n%s", secret, stdout)
		}
	}
	for _, want := range []string{
		`flickr.api_key = "visible-key"`,
		`flickr.api_secret = "******"`,
		`neo4j.password = "******"`,
		`security.token_key = "******"`,
		`security.session_key = ""`,
		`redis.url = "redis://:xxxxx@localhost:6379/0"`,
		`flickr.calls_per_hour = 3480`,
		`pull.full_every = "168h"`,
	} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("config output lacks %q:\n%s", want, stdout)
		}
	}

	t.Setenv(config.EnvConfigFile, cfgFile) // the file also comes from PHOTOREC_CONFIG
	stdout, _, err = runCmd(t, "config")
	if err != nil || !strings.Contains(stdout, `flickr.api_key = "visible-key"`) {
		t.Errorf("config with %s: err %v, output:\n%s", config.EnvConfigFile, err, stdout)
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	cfgFile := writeFile(t, "photorec.yaml", "log:\n  level: loud\nworker:\n  concurrency: 0\nsecurity:\n  session_key: not-a-key-secret\n")
	t.Setenv("PHOTOREC_FLICKR_CALLS_PER_HOUR", "lots")
	stdout, _, err := runCmd(t, "config", "--config", cfgFile)
	if err == nil {
		t.Fatal("config with bad values succeeded")
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, key := range []string{"log.level", "worker.concurrency", "security.session_key", "flickr.calls_per_hour"} {
		if !strings.Contains(err.Error(), "config: "+key) {
			t.Errorf("error does not report %s:\n%v", key, err)
		}
	}
	if strings.Contains(err.Error()+stdout, "not-a-key-secret") {
		t.Errorf("a secret leaked:\n%v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, `log.level = "loud"`) {
		t.Errorf("the configuration is not printed along with the problems:\n%s", stdout)
	}
}

func TestConfigKeys(t *testing.T) {
	stdout, _, err := runCmd(t, "config", "--keys")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		if !strings.Contains(stdout, k.Name+" ") || !strings.Contains(stdout, k.Env()) {
			t.Errorf("--keys lacks %s / %s", k.Name, k.Env())
		}
	}
	if !strings.Contains(stdout, "PHOTOREC_ADMIN_PASSWORD_FILE") {
		t.Errorf("--keys does not mention _FILE for secrets:\n%s", stdout)
	}
}

// storeConfig writes a config file selecting an embedded graph in a fresh data_dir.
func storeConfig(t *testing.T) (path string, cfg config.Config) {
	t.Helper()
	path = writeFile(t, "photorec.yaml", fmt.Sprintf("data_dir: %q\nlog:\n  level: warn\n", t.TempDir()))
	cfg, err := config.Load(config.Options{File: path})
	if err != nil {
		t.Fatal(err)
	}
	return path, cfg
}

// openTestStore opens the store that cfg selects and closes it at cleanup.
func openTestStore(ctx context.Context, t *testing.T, cfg config.Config) graph.Store {
	t.Helper()
	s, err := openStore(ctx, cfg, newLogger(cfg.Log, os.Stderr))
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

const goodFaves = `user_nsid	photo_id	owner_nsid	faved_at_unix
# alice faves three photos of bob and carol
10@N01	1001	20@N01	1700000000
10@N01	1002	20@N01	1700000100

10@N01	1003	30@N01
10@N01	1003	30@N01	1700000200
# bob faves carol's photo, carol faves alice's
20@N01	1003	30@N01	1700000300
30@N01	1004	10@N01	1700000400
`

func TestImportGoodFile(t *testing.T) {
	cfgFile, cfg := storeConfig(t)
	faves := writeFile(t, "faves.tsv", goodFaves)
	ctx := context.Background()

	stdout, stderr, err := runCmd(t, "import", "--config", cfgFile, "--faves", faves, "--batch", "2", "--progress-every", "2")
	if err != nil {
		t.Fatalf("import: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "imported 6 favorites of 3 users") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, want := range []string{"import: checked 2 rows", "import: checked 6 rows (100%)", "import: applied 4 rows"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr)
		}
	}

	check := func(t *testing.T) {
		t.Helper()
		s := openTestStore(ctx, t, cfg)
		stats, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(graph.Stats{Users: 3, Photos: 4, Faves: 5}, stats); diff != "" {
			t.Errorf("Stats (-want +got):\n%s", diff)
		}
		sum, err := s.Summary(ctx, "10@N01")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Faves != 3 || sum.Neighbors != 2 {
			t.Errorf("alice: %d faves, %d neighbors; want 3, 2", sum.Faves, sum.Neighbors)
		}
		if !sum.Pull.LastPullAt.IsZero() || !sum.Pull.LastFullPullAt.IsZero() {
			t.Errorf("import recorded a pull: %+v", sum.Pull)
		}
		if want := time.Unix(1700000200, 0); !sum.Pull.NewestFaveAt.IsZero() && !sum.Pull.NewestFaveAt.Equal(want) {
			t.Errorf("alice's newest fave at %v, want %v (or unset)", sum.Pull.NewestFaveAt, want)
		}
		p, err := s.Photo(ctx, "1003")
		if err != nil {
			t.Fatal(err)
		}
		if p.Owner != "30@N01" {
			t.Errorf("photo 1003 owner = %q, want 30@N01", p.Owner)
		}
		common, err := s.CommonFaves(ctx, "10@N01", "20@N01", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(common) != 1 || common[0].ID != "1003" {
			t.Errorf("common faves of alice and bob = %+v, want photo 1003", common)
		}
	}
	t.Run("store after import", check)

	// Idempotent: the same file again changes nothing.
	if _, stderr, err := runCmd(t, "import", "--config", cfgFile, "--faves", faves); err != nil {
		t.Fatalf("second import: %v\n%s", err, stderr)
	}
	t.Run("store after second import", check)
}

func TestImportBadFile(t *testing.T) {
	var many strings.Builder
	many.WriteString("10@N01\t1\t20@N01\n") // one good line, then 25 bad ones
	for i := range 25 {
		fmt.Fprintf(&many, "10@N01\t%d\tnobody\n", i+2)
	}
	tests := []struct {
		name       string
		content    string
		wantStderr []string
		wantErr    string
	}{
		{
			name:    "a few problems",
			content: "10@N01\t1001\t20@N01\n10@N01\t1002\n\n10@N01\tabc\t20@N01\n30@N01\t1001\t30@N01\n40@N01\t1001\t50@N01\n",
			wantStderr: []string{
				"faves.tsv:2: want 3 or 4 tab-separated fields",
				`faves.tsv:4: photo_id "abc" is not a photo ID`,
				"faves.tsv:5: user_nsid equals owner_nsid 30@N01",
				"faves.tsv:6: photo 1001 has owner_nsid 50@N01 here but 20@N01 on line 1",
			},
			wantErr: "4 malformed lines; nothing imported",
		},
		{
			name:       "capped list",
			content:    many.String(),
			wantStderr: []string{"faves.tsv:2: owner_nsid", "faves.tsv:21: owner_nsid", "faves.tsv: ... and 5 more malformed lines"},
			wantErr:    "25 malformed lines; nothing imported",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgFile, cfg := storeConfig(t)
			faves := filepath.Join(t.TempDir(), "faves.tsv")
			if err := os.WriteFile(faves, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := runCmd(t, "import", "--config", cfgFile, "--faves", faves)
			if err == nil {
				t.Fatal("import of a bad file succeeded")
			}
			if code := exitCode(err); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, faves[:len(faves)-len("faves.tsv")]+want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "faves.tsv:22:") {
				t.Errorf("more than 20 problems listed:\n%s", stderr)
			}
			ctx := context.Background()
			stats, err := openTestStore(ctx, t, cfg).Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if stats != (graph.Stats{}) {
				t.Errorf("a bad file was partly applied: %+v", stats)
			}
		})
	}
}

func TestImportDryRun(t *testing.T) {
	cfgFile, cfg := storeConfig(t)
	faves := writeFile(t, "faves.tsv", goodFaves)
	stdout, _, err := runCmd(t, "import", "--config", cfgFile, "--faves", faves, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "6 favorites of 3 users, no problems; dry run") {
		t.Errorf("stdout:\n%s", stdout)
	}
	ctx := context.Background()
	stats, err := openTestStore(ctx, t, cfg).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats != (graph.Stats{}) {
		t.Errorf("dry run applied favorites: %+v", stats)
	}
}

func TestMigrateEmbedded(t *testing.T) {
	cfgFile, _ := storeConfig(t)
	stdout, _, err := runCmd(t, "migrate", "--config", cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "nothing to migrate") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

// TestServeAndWorkAcceptTheirConfig runs serve and work with a canceled context: they must get
// past flags and configuration (no usage error, no config problem) to their wiring, which
// then stops at once.
func TestServeAndWorkAcceptTheirConfig(t *testing.T) {
	cfgFile, _ := storeConfig(t)
	t.Setenv("PHOTOREC_FLICKR_API_KEY", "k")
	t.Setenv("PHOTOREC_FLICKR_API_SECRET", "s")
	t.Setenv("PHOTOREC_SECURITY_SESSION_KEY", "c2Vzc2lvbi1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU=")
	t.Setenv("PHOTOREC_SECURITY_TOKEN_KEY", "dG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmctLTAxMjM0NTY=")
	t.Setenv("PHOTOREC_REDIS_URL", "redis://127.0.0.1:1/0")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"serve", "--config", cfgFile, "--listen", "127.0.0.1:0"},
		{"work", "--config", cfgFile, "--roles", "pull", "--concurrency", "2"},
	} {
		err := run(ctx, args, io.Discard, io.Discard)
		var ue *usageError
		if errors.As(err, &ue) || len(config.Problems(err)) > 0 {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestServeAndWorkRequireSettings(t *testing.T) {
	cfgFile, _ := storeConfig(t)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--config", cfgFile}, []string{"flickr.api_key", "flickr.api_secret", "security.session_key", "security.token_key"}},
		{[]string{"work", "--config", cfgFile}, []string{"redis.url", "flickr.api_key", "flickr.api_secret"}},
		{[]string{"work", "--config", cfgFile, "--roles", "ingest"}, []string{"redis.url"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:1], " "), func(t *testing.T) {
			_, _, err := runCmd(t, tt.args...)
			var got []string
			for _, p := range config.Problems(err) {
				got = append(got, p.Key)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v: missing settings (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

// TestDemoGeneratesKeys runs demo with a canceled context, so it stops right after its setup.
func TestDemoGeneratesKeys(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, []string{"demo", "--data-dir", dir, "--seed", "3", "--listen", "127.0.0.1:0"}, io.Discard, io.Discard)
	var ue *usageError
	if errors.As(err, &ue) || len(config.Problems(err)) > 0 {
		t.Errorf("demo: %v", err)
	}
	for _, name := range []string{"session_key", "token_key"} {
		b, err := os.ReadFile(filepath.Join(dir, "secrets", name))
		if err != nil {
			t.Fatalf("demo did not persist %s: %v", name, err)
		}
		if _, err := config.DecodeKey(strings.TrimSpace(string(b))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"pull,ingest,scheduler", []string{"pull", "ingest", "scheduler"}, false},
		{"scheduler, pull,pull", []string{"pull", "scheduler"}, false},
		{"ingest", []string{"ingest"}, false},
		{"", nil, true},
		{"pull,", nil, true},
		{"cook", nil, true},
	}
	for _, tt := range tests {
		got, err := parseRoles(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseRoles(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseRoles(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestREADMEListsEveryKey keeps the README's configuration table true to the defaults table.
func TestREADMEListsEveryKey(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, k := range config.Keys() {
		def := k.DefaultString()
		if def == "" {
			def = `""`
		}
		row := fmt.Sprintf("| `%s` | `%s`", k.Name, k.Env())
		i := strings.Index(readme, row)
		if i < 0 {
			t.Errorf("README lacks a row starting %q", row)
			continue
		}
		line := readme[i : i+strings.Index(readme[i:], "\n")]
		if !strings.Contains(line, "`"+def+"`") {
			t.Errorf("README row of %s does not show the default `%s`:\n%s", k.Name, def, line)
		}
		if k.Secret && !strings.Contains(line, k.Env()+"_FILE") {
			t.Errorf("README row of secret %s does not mention %s_FILE", k.Name, k.Env())
		}
	}
}

// TestPipelineCaps: a pull cap of 0 in config pulls none, which worker.Pipeline spells negative
// (its 0 is the default); other values pass through.
func TestPipelineCaps(t *testing.T) {
	for _, n := range []int{0, 1, 100, 500} {
		cfg := config.Defaults()
		cfg.Pull.OwnerPhotos, cfg.Pull.ContactFaves, cfg.Pull.ContactPhotos = n, n, n
		p := pipeline(cfg)
		want := n
		if n == 0 {
			want = -1
		}
		if p.OwnerPhotos != want || p.ContactFaves != want || p.ContactPhotos != want {
			t.Errorf("caps %d in config: pipeline has %d, %d, %d, want %d", n, p.OwnerPhotos, p.ContactFaves, p.ContactPhotos, want)
		}
	}
}

func TestConfigLimitsMatchGraph(t *testing.T) {
	if config.MaxNeighborsLimit != graph.MaxLimit {
		t.Errorf("config.MaxNeighborsLimit = %d, graph.MaxLimit = %d: keep them equal", config.MaxNeighborsLimit, graph.MaxLimit)
	}
	if config.MaxPhotosPerPerson != flickr.MaxPerPage {
		t.Errorf("config.MaxPhotosPerPerson = %d, flickr.MaxPerPage = %d: keep them equal", config.MaxPhotosPerPerson, flickr.MaxPerPage)
	}
	if def := graph.Algorithm(config.Defaults().Recommend.Algorithm); def != graph.DefaultAlgorithm {
		t.Errorf("recommend.algorithm defaults to %q, graph.DefaultAlgorithm is %q", def, graph.DefaultAlgorithm)
	}
	if _, err := config.Load(config.Options{Set: map[string]string{"recommend.algorithm": "magic"}, Algorithms: algorithmNames()}); err == nil {
		t.Error("config accepts recommend.algorithm magic, which graph does not name")
	}
	got, want := flexploreParams(config.Defaults().Recommend), graph.DefaultFlexplore()
	if got != want {
		t.Errorf("recommend.* defaults give %+v, graph.DefaultFlexplore() is %+v", got, want)
	}
}
