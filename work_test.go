package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/photorec/photorec/internal/testsvc"
)

// TestWorkServesMetrics runs `photorec work` against a real redis-server with
// worker.metrics_addr set: /metrics serves the pipeline's metrics and /healthz answers, and the
// process stops cleanly when its context ends.
func TestWorkServesMetrics(t *testing.T) {
	rs := testsvc.Redis(t)
	port, err := testsvc.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	t.Setenv("PHOTOREC_REDIS_URL", "redis://"+rs.Addr+"/0")
	t.Setenv("PHOTOREC_FLICKR_API_KEY", "k")
	t.Setenv("PHOTOREC_FLICKR_API_SECRET", "s")
	t.Setenv("PHOTOREC_WORKER_METRICS_ADDR", addr)
	t.Setenv("PHOTOREC_DATA_DIR", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"work", "--roles", "pull"}, io.Discard, io.Discard) }()

	get := func(path string) (int, string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + path)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(body)
			}
			select {
			case err := <-done:
				t.Fatalf("work stopped before serving %s: %v", path, err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %v", path, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if code, body := get("/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	code, body := get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, name := range []string{"photorec_faves_ingested_total", "go_goroutines"} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("work returned %v after its context ended, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("work did not stop within 30 s of its context ending")
	}
}
