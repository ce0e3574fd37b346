package tools_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads deploy/compose.yaml the way `docker compose config` does (compose-go, schema
// validation on, interpolation, env files), in a copy of deploy/ where each *.env.example has
// been copied to *.env as the operator is told to do.
func loadCompose(t *testing.T, env ...string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"compose.yaml", "photorec.env.example", "neo4j.env.example", "redis.env.example"} {
		b, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(name, ".example")), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir), cli.WithEnv(env), cli.WithName("photorec"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose.yaml does not load: %v", err)
	}
	return p
}

func TestComposeLoads(t *testing.T) {
	p := loadCompose(t)

	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"api", "migrate", "neo4j", "redis", "scheduler", "worker"}
	if !slices.Equal(names, want) {
		t.Fatalf("services = %v, want %v", names, want)
	}

	app := []string{"migrate", "api", "worker", "scheduler"}
	for _, name := range app {
		s := p.Services[name]
		if s.Build == nil || s.Build.Dockerfile != "deploy/Dockerfile" {
			t.Errorf("%s: build = %+v, want deploy/Dockerfile", name, s.Build)
		}
		if s.Environment["PHOTOREC_FLICKR_API_KEY"] == nil || s.Environment["PHOTOREC_GRAPH_BACKEND"] == nil {
			t.Errorf("%s: env file or environment missing (PHOTOREC_FLICKR_API_KEY, PHOTOREC_GRAPH_BACKEND)", name)
		}
		if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
			t.Errorf("%s: want read_only and cap_drop ALL", name)
		}
	}
	for _, name := range []string{"api", "worker", "scheduler"} {
		dep, ok := p.Services[name].DependsOn["migrate"]
		if !ok || dep.Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s: depends_on migrate = %+v, want condition %s", name, dep, types.ServiceConditionCompletedSuccessfully)
		}
		if dep := p.Services[name].DependsOn["redis"]; dep.Condition != types.ServiceConditionHealthy {
			t.Errorf("%s: depends_on redis = %+v, want healthy", name, dep)
		}
	}
	if dep := p.Services["migrate"].DependsOn["neo4j"]; dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("migrate: depends_on neo4j = %+v, want healthy", dep)
	}

	for _, name := range []string{"worker", "scheduler"} {
		if v := p.Services[name].Environment["PHOTOREC_WORKER_METRICS_ADDR"]; v == nil || *v != "0.0.0.0:9090" {
			t.Errorf("%s: PHOTOREC_WORKER_METRICS_ADDR = %v, want 0.0.0.0:9090 (its /metrics and /healthz)", name, v)
		}
		if p.Services[name].Environment["PHOTOREC_GRAPH_BACKEND"] == nil {
			t.Errorf("%s: its environment lost the shared settings", name)
		}
	}
	w := p.Services["worker"]
	if w.ContainerName != "" || len(w.Ports) != 0 {
		t.Errorf("worker: container_name %q, ports %v: --scale worker=N needs neither", w.ContainerName, w.Ports)
	}
	if got := []string(w.Command); !slices.Equal(got, []string{"work", "--roles", "pull,ingest"}) {
		t.Errorf("worker command = %q", got)
	}
	if got := strings.Join(p.Services["scheduler"].Command, " "); !strings.Contains(got, "scheduler") {
		t.Errorf("scheduler command = %q, want the scheduler role", got)
	}
	if got := []string(p.Services["api"].Command); !slices.Equal(got, []string{"serve"}) {
		t.Errorf("api command = %q", got)
	}
	for _, name := range []string{"neo4j", "redis", "api", "worker", "scheduler"} {
		if p.Services[name].HealthCheck == nil || p.Services[name].HealthCheck.Disable {
			t.Errorf("%s: no health check", name)
		}
	}

	redis := strings.Join(p.Services["redis"].Command, " ")
	for _, want := range []string{"--appendonly yes", "--maxmemory-policy noeviction", "--requirepass"} {
		if !strings.Contains(redis, want) {
			t.Errorf("redis command %q lacks %q", redis, want)
		}
	}
	var neo4jPorts []uint32
	for _, port := range p.Services["neo4j"].Ports {
		neo4jPorts = append(neo4jPorts, port.Target)
		if port.HostIP != "127.0.0.1" {
			t.Errorf("neo4j port %d binds %q by default, want 127.0.0.1", port.Target, port.HostIP)
		}
	}
	if !slices.Equal(neo4jPorts, []uint32{7474, 7687}) {
		t.Errorf("neo4j ports = %v, want Browser 7474 and Bolt 7687", neo4jPorts)
	}
	if p.Services["neo4j"].Environment["NEO4J_AUTH"] == nil {
		t.Error("neo4j: NEO4J_AUTH not set from neo4j.env")
	}
	for _, v := range []string{"neo4j-data", "redis-data"} {
		if _, ok := p.Volumes[v]; !ok {
			t.Errorf("no named volume %s: data would not survive a re-create", v)
		}
	}
}

// TestComposeBindOverride: the documented API_BIND / NEO4J_BIND variables change the host IPs.
func TestComposeBindOverride(t *testing.T) {
	p := loadCompose(t, "API_BIND=0.0.0.0", "NEO4J_BIND=0.0.0.0", "API_PORT=9000")
	api := p.Services["api"].Ports
	if len(api) != 1 || api[0].HostIP != "0.0.0.0" || api[0].Published != "9000" || api[0].Target != 8080 {
		t.Errorf("api ports = %+v, want 0.0.0.0:9000->8080", api)
	}
	for _, port := range p.Services["neo4j"].Ports {
		if port.HostIP != "0.0.0.0" {
			t.Errorf("neo4j port %d binds %q, want 0.0.0.0", port.Target, port.HostIP)
		}
	}
}

// TestComposeNoInlineSecrets: secrets come from env files, never from compose.yaml itself.
func TestComposeNoInlineSecrets(t *testing.T) {
	b, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	secret := regexp.MustCompile(`(?m)^\s+(PHOTOREC_[A-Z_]*(PASSWORD|SECRET|_KEY|REDIS_URL)[A-Z_]*|NEO4J_AUTH|REDIS_PASSWORD)\s*[:=]`)
	if m := secret.FindAllString(string(b), -1); len(m) > 0 {
		t.Errorf("compose.yaml sets secrets inline: %q; put them in the env files", m)
	}
}
