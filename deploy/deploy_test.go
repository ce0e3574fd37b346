package deploy_test

import (
	"bufio"
	"debug/elf"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/photorec/photorec/config"
)

// TestExampleConfigIsDefaults: photorec.example.yaml names every key of config's table and
// loads to exactly config.Defaults().
func TestExampleConfigIsDefaults(t *testing.T) {
	got, err := config.Load(config.Options{File: "photorec.example.yaml"})
	if err != nil {
		t.Fatalf("Load(photorec.example.yaml): %v", err)
	}
	if diff := cmp.Diff(config.Defaults(), got); diff != "" {
		t.Errorf("photorec.example.yaml differs from config.Defaults() (-defaults +file):\n%s", diff)
	}

	var doc map[string]any
	readYAML(t, "photorec.example.yaml", &doc)
	var inFile []string
	flatten("", doc, &inFile)
	var inTable []string
	for _, k := range config.Keys() {
		inTable = append(inTable, k.Name)
	}
	sort.Strings(inFile)
	sort.Strings(inTable)
	if diff := cmp.Diff(inTable, inFile); diff != "" {
		t.Errorf("keys in photorec.example.yaml differ from config.Keys() (-table +file):\n%s", diff)
	}
}

// TestDeployEnvironmentsLoad feeds config.Load the exact environment each deployed process gets
// (Dockerfile ENV, then compose's env file and environment, or the Kubernetes ConfigMap, env and
// mounted Secret files) and requires it to load cleanly: no unknown PHOTOREC_* variable, no
// invalid value, and the settings a production deploy needs are present.
func TestDeployEnvironmentsLoad(t *testing.T) {
	image := dockerfileEnv(t)
	needed := []string{"redis.url", "neo4j.password", "flickr.api_key", "flickr.api_secret",
		"security.session_key", "security.token_key", "admin.password"}

	t.Run("compose", func(t *testing.T) {
		var compose struct {
			Services map[string]struct {
				Image       string            `yaml:"image"`
				EnvFile     []string          `yaml:"env_file"`
				Environment map[string]string `yaml:"environment"`
				Command     []string          `yaml:"command"`
			} `yaml:"services"`
		}
		readYAML(t, "compose.yaml", &compose)
		for _, name := range []string{"migrate", "api", "worker", "scheduler"} {
			svc, ok := compose.Services[name]
			if !ok {
				t.Errorf("compose.yaml: no service %q", name)
				continue
			}
			env := maps.Clone(image)
			for _, f := range svc.EnvFile {
				for k, v := range readEnvFile(t, f+".example") {
					env[k] = v
				}
			}
			for k, v := range svc.Environment {
				env[k] = v
			}
			c := load(t, "compose "+name, env, nil)
			if name != "migrate" {
				if err := c.Require(needed...); err != nil {
					t.Errorf("compose %s: %v", name, err)
				}
			}
			if c.Graph.Backend != config.BackendNeo4j || c.Neo4j.URI != "neo4j://neo4j:7687" {
				t.Errorf("compose %s: backend %q at %q, want neo4j at neo4j://neo4j:7687", name, c.Graph.Backend, c.Neo4j.URI)
			}
		}
	})

	t.Run("kubernetes", func(t *testing.T) {
		var cm struct {
			Data map[string]string `yaml:"data"`
		}
		readYAML(t, "k8s/configmap.yaml", &cm)
		var secret struct {
			StringData map[string]string `yaml:"stringData"`
		}
		readYAML(t, "k8s/secret.example.yaml", &secret)
		for _, file := range []string{"k8s/api.yaml", "k8s/worker.yaml", "k8s/scheduler.yaml", "k8s/migrate-job.yaml"} {
			pod, annotations := podSpec(t, file)
			for _, ctr := range pod.Containers {
				env := maps.Clone(image)
				for k, v := range cm.Data {
					env[k] = v
				}
				files := map[string]string{} // mounted path -> secret value
				for _, m := range ctr.VolumeMounts {
					for _, vol := range pod.Volumes {
						if vol.Name != m.Name || vol.Secret == nil {
							continue
						}
						for _, it := range vol.Secret.Items {
							files[m.MountPath+"/"+it.Path] = secret.StringData[it.Key]
						}
					}
				}
				for _, e := range ctr.Env {
					switch {
					case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
						v, ok := secret.StringData[e.ValueFrom.SecretKeyRef.Key]
						if !ok {
							t.Errorf("%s: %s refers to missing secret key %q", file, e.Name, e.ValueFrom.SecretKeyRef.Key)
						}
						env[e.Name] = v
					default:
						env[e.Name] = e.Value
					}
				}
				readFile := func(name string) ([]byte, error) {
					v, ok := files[name]
					if !ok {
						return nil, fmt.Errorf("%s is not mounted: %w", name, fs.ErrNotExist)
					}
					return []byte(v + "\n"), nil
				}
				c := load(t, file, env, readFile)
				if !strings.Contains(file, "migrate") {
					if err := c.Require(needed...); err != nil {
						t.Errorf("%s: %v", file, err)
					}
				}
				if c.Graph.Backend != config.BackendNeo4j || c.ListenAddr != "0.0.0.0:8080" {
					t.Errorf("%s: backend %q listen %q, want neo4j on 0.0.0.0:8080", file, c.Graph.Backend, c.ListenAddr)
				}
				// The port the process listens on (serve: listen_addr; work: worker.metrics_addr)
				// must be the container's declared port and the one Prometheus scrapes.
				var want []string
				switch {
				case slices.Contains(ctr.Args, "serve"):
					want = append(want, portOf(t, c.ListenAddr))
				case slices.Contains(ctr.Args, "work"):
					want = append(want, portOf(t, c.Worker.MetricsAddr))
				}
				var declared []string
				for _, p := range ctr.Ports {
					declared = append(declared, strconv.Itoa(p.ContainerPort))
				}
				if diff := cmp.Diff(want, declared); diff != "" {
					t.Errorf("%s: container ports differ from what the process listens on (-listens +declared):\n%s", file, diff)
				}
				if len(want) > 0 && annotations["prometheus.io/port"] != want[0] {
					t.Errorf("%s: prometheus.io/port = %q, want %s", file, annotations["prometheus.io/port"], want[0])
				}
			}
		}
	})
}

// TestKustomizationListsEveryManifest: a manifest left out of kustomization.yaml is never applied.
func TestKustomizationListsEveryManifest(t *testing.T) {
	var k struct {
		Resources []string `yaml:"resources"`
	}
	readYAML(t, "k8s/kustomization.yaml", &k)
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" {
			want = append(want, b)
		}
	}
	got := slices.Clone(k.Resources)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kustomization.yaml resources differ from k8s/*.yaml (-files +resources):\n%s", diff)
	}
}

var metricName = regexp.MustCompile(`\bphotorec_[a-z0-9_]+`)

// TestMetricsExist: every photorec_* metric the dashboard and the alert rules query is
// registered by the code (a string literal in a non-test .go file), after removing the
// _bucket/_count/_sum series suffixes of histograms.
func TestMetricsExist(t *testing.T) {
	registered := map[string]bool{}
	lit := regexp.MustCompile(`"(photorec_[a-z0-9_]+)"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || path == filepath.Join("..", "deploy")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			registered[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(registered) == 0 {
		t.Fatal("no photorec_* metric names found in the code")
	}
	for _, file := range []string{"grafana/photorec.json", "prometheus/alerts.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		for _, m := range metricName.FindAllString(string(b), -1) {
			used[m] = true
		}
		if len(used) == 0 {
			t.Errorf("%s names no photorec_* metric", file)
		}
		for m := range used {
			base := m
			for _, suf := range []string{"_bucket", "_count", "_sum"} {
				if trimmed, ok := strings.CutSuffix(m, suf); ok && registered[trimmed] {
					base = trimmed
				}
			}
			if !registered[base] {
				t.Errorf("%s uses %s, which no Go file registers", file, m)
			}
		}
	}
}

// TestDockerfileBuild runs the Dockerfile's `go build` line from the repository root, as the
// image build does, and checks the result is a static binary that runs `photorec version`.
func TestDockerfileBuild(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var build string
	var finalFrom, user string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "RUN ") && strings.Contains(line, " go build "):
			if build != "" {
				t.Fatal("Dockerfile has more than one go build line")
			}
			build = line
		case strings.HasPrefix(line, "FROM "):
			finalFrom = line
		case strings.HasPrefix(line, "USER "):
			user = strings.TrimPrefix(line, "USER ")
		}
	}
	if !strings.Contains(finalFrom, "distroless/static") || strings.HasPrefix(user, "0") || user == "" || strings.HasPrefix(user, "root") {
		t.Errorf("final stage %q runs as %q; want distroless/static as a non-root user", finalFrom, user)
	}
	i := strings.Index(build, "CGO_ENABLED=0 go build ")
	if i < 0 {
		t.Fatalf("Dockerfile go build line %q does not start with CGO_ENABLED=0 go build", build)
	}
	cmdline := build[i:]
	for _, want := range []string{" -trimpath ", " -o /out/photorec ."} {
		if !strings.Contains(cmdline, want) {
			t.Errorf("go build line %q lacks %q", cmdline, want)
		}
	}
	if !strings.HasSuffix(cmdline, " -o /out/photorec .") {
		t.Fatalf("go build line %q must end with -o /out/photorec .", cmdline)
	}

	mains, _ := filepath.Glob("../*.go")
	if len(mains) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the Dockerfile builds the repository root, which has no Go files")
		}
		t.Skip("no package main at the repository root yet")
	}
	bin := filepath.Join(t.TempDir(), "photorec")
	cmd := exec.Command("sh", "-c", strings.TrimSuffix(cmdline, "/out/photorec .")+shellQuote(bin)+" .")
	cmd.Dir = ".."
	// The image build passes these as build args; the line must stamp them into the binary.
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-deploytest", "COMMIT=deploytest-commit")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %v program header: not static", p.Type)
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("photorec version: %v\n%s", err, out)
	}
	for _, want := range []string{"photorec v0.0.0-deploytest\n", "commit deploytest-commit\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("photorec version printed %q, want it to contain %q", out, want)
		}
	}
}

type podTemplate struct {
	Containers []struct {
		Name  string   `yaml:"name"`
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	} `yaml:"containers"`
	Volumes []struct {
		Name   string `yaml:"name"`
		Secret *struct {
			Items []struct {
				Key  string `yaml:"key"`
				Path string `yaml:"path"`
			} `yaml:"items"`
		} `yaml:"secret"`
	} `yaml:"volumes"`
}

// podSpec returns the pod spec and pod annotations of the first Deployment or Job in file.
func podSpec(t *testing.T, file string) (podTemplate, map[string]string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	for {
		var doc struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Template struct {
					Metadata struct {
						Annotations map[string]string `yaml:"annotations"`
					} `yaml:"metadata"`
					Spec podTemplate `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: no Deployment or Job: %v", file, err)
		}
		if doc.Kind == "Deployment" || doc.Kind == "Job" {
			if len(doc.Spec.Template.Spec.Containers) == 0 {
				t.Fatalf("%s: %s has no containers", file, doc.Kind)
			}
			return doc.Spec.Template.Spec, doc.Spec.Template.Metadata.Annotations
		}
	}
}

// portOf returns the port of a host:port setting; an empty setting is a failure.
func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Errorf("address %q: %v", addr, err)
	}
	return port
}

func load(t *testing.T, what string, env map[string]string, readFile func(string) ([]byte, error)) config.Config {
	t.Helper()
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	sort.Strings(environ)
	c, err := config.Load(config.Options{Environ: environ, ReadFile: readFile})
	if err != nil {
		t.Errorf("%s: config.Load of its environment: %v", what, err)
	}
	return c
}

// dockerfileEnv returns the PHOTOREC_* variables the final image's ENV sets.
func dockerfileEnv(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, "ENV ")
		if !ok {
			continue
		}
		for _, kv := range strings.Fields(rest) {
			if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, config.EnvPrefix) {
				env[k] = v
			}
		}
	}
	if len(env) == 0 {
		t.Fatal("Dockerfile sets no PHOTOREC_* variable")
	}
	return env
}

// readEnvFile parses KEY=VALUE lines, skipping blanks and # comments, as compose's env_file does
// for these simple files (no quotes, no interpolation).
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s:%d: not KEY=VALUE", path, n)
		}
		env[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return env
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func flatten(prefix string, m map[string]any, out *[]string) {
	for k, v := range m {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			flatten(name, sub, out)
			continue
		}
		*out = append(*out, name)
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
