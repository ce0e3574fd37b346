package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/runs"
)

type demoProgress struct {
	RunID string `json:"run_id"`
	State string `json:"state"`
	Made  int    `json:"made"`
	Done  int    `json:"done"`
}

// pollProgress GETs nsid's progress until ok accepts it, or fails the test after bound.
func pollProgress(t *testing.T, app, nsid string, bound time.Duration, ok func(demoProgress) bool) demoProgress {
	t.Helper()
	ctx := context.Background()
	var p demoProgress
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		status, body := getBody(ctx, t, app+"/api/v1/users/"+url.PathEscape(nsid)+"/progress")
		if status == http.StatusOK {
			p = demoProgress{}
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatalf("progress %s: %v", body, err)
			}
			if ok(p) {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("progress of %s after %v: %+v", nsid, bound, p)
	return p
}

// TestDemoRunSurvivesRestart: a refresh running when the demo stops (its queue lives in the
// process and is gone) is resumed by the next demo on the same data dir and completes, under
// the same run id, instead of vanishing (issue 14.5).
func TestDemoRunSurvivesRestart(t *testing.T) {
	t.Setenv("PHOTOREC_FLICKR_CALLS_PER_HOUR", "36000") // 10 calls/s: a run lasts long enough to cut
	t.Setenv("PHOTOREC_FLICKR_BURST", "10")
	dataDir := t.TempDir()
	world := flickrtest.TinyWorld(11) // what `demo --seed 11 --users 300` generates
	member, most := "", -1
	for _, u := range world.Users() {
		if !u.Deleted && u.Faves > most {
			member, most = u.NSID, u.Faves
		}
	}

	_, app, stop := runDemo(t, dataDir, "11", "300")
	if status, body := getBody(context.Background(), t, app+"/api/v1/users/lookup?q="+url.QueryEscape(member)); status != http.StatusOK {
		t.Fatalf("lookup: %d %s", status, body)
	}
	before := pollProgress(t, app, member, time.Minute, func(p demoProgress) bool { return p.Done >= 3 })
	if before.State != runs.StateRunning {
		t.Fatalf("the run ended before the restart: %+v; slow the limit down", before)
	}
	stop()

	_, app, _ = runDemo(t, dataDir, "11", "300")
	after := pollProgress(t, app, member, 3*time.Minute, func(p demoProgress) bool {
		if p.State == runs.StateNone {
			t.Fatalf("right after the restart the run is gone: %+v", p)
		}
		return p.State != runs.StateRunning
	})
	if after.RunID != before.RunID || after.State != runs.StateComplete || after.Done != after.Made {
		t.Errorf("after the restart: %+v, want run %s resumed and complete (before: %+v)", after, before.RunID, before)
	}
}

// runServe runs `photorec serve` (the environment holds its settings) until the returned stop
// is called, once it answers /healthz at app.
func runServe(t *testing.T, app string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, io.Discard, io.Discard) }()
	stopped := false
	stop = func() {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve did not shut down cleanly: %v", err)
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(time.Minute)
	for {
		if res, err := http.Get(app + "/healthz"); err == nil {
			res.Body.Close()
			return stop
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("serve stopped before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve not ready after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeRunSurvivesRestart: `photorec serve` on one node (embedded graph, external Redis)
// stopped mid-run and started again completes the same run: from Redis when it kept its data,
// from the journal in the data dir when Redis restarted without it (issue 14.5).
func TestServeRunSurvivesRestart(t *testing.T) {
	for _, tc := range []struct {
		name         string
		restartRedis bool
	}{
		{"serve restarts", false},
		{"serve and Redis restart, Redis without its data", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			world := flickrtest.TinyWorld(11)
			sim := flickrtest.Start(t, world, flickrtest.Options{})
			rs := testsvc.Redis(t) // no persistence: a restart loses every key
			port, err := testsvc.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			app := fmt.Sprintf("http://127.0.0.1:%d", port)
			for k, v := range map[string]string{
				"PHOTOREC_LISTEN_ADDR":           fmt.Sprintf("127.0.0.1:%d", port),
				"PHOTOREC_DATA_DIR":              t.TempDir(),
				"PHOTOREC_REDIS_URL":             "redis://" + rs.Addr + "/0",
				"PHOTOREC_FLICKR_API_KEY":        flickrtest.DefaultConsumerKey,
				"PHOTOREC_FLICKR_API_SECRET":     flickrtest.DefaultConsumerSecret,
				"PHOTOREC_FLICKR_API_BASE":       sim.URL + "/services/rest/",
				"PHOTOREC_FLICKR_OAUTH_BASE":     sim.URL + "/services/oauth/",
				"PHOTOREC_FLICKR_CALLS_PER_HOUR": "36000", // 10 calls/s: a run lasts long enough to cut
				"PHOTOREC_FLICKR_BURST":          "10",
				"PHOTOREC_SECURITY_SESSION_KEY":  "c2Vzc2lvbi1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU=",
				"PHOTOREC_SECURITY_TOKEN_KEY":    "dG9rZW4ta2V5LTMyLWJ5dGVzLWxvbmctLTAxMjM0NTY=",
				"PHOTOREC_LOG_LEVEL":             "error",
			} {
				t.Setenv(k, v)
			}
			member, most := "", -1
			for _, u := range world.Users() {
				if !u.Deleted && u.Faves > most {
					member, most = u.NSID, u.Faves
				}
			}

			stop := runServe(t, app)
			if status, body := getBody(context.Background(), t, app+"/api/v1/users/lookup?q="+url.QueryEscape(member)); status != http.StatusOK {
				t.Fatalf("lookup: %d %s", status, body)
			}
			before := pollProgress(t, app, member, time.Minute, func(p demoProgress) bool { return p.Done >= 3 })
			if before.State != runs.StateRunning {
				t.Fatalf("the run ended before the restart: %+v; slow the limit down", before)
			}
			stop()
			if tc.restartRedis {
				rs.Restart()
			}

			runServe(t, app)
			after := pollProgress(t, app, member, 3*time.Minute, func(p demoProgress) bool {
				if p.State == runs.StateNone {
					t.Fatalf("right after the restart the run is gone: %+v", p)
				}
				return p.State != runs.StateRunning
			})
			if after.RunID != before.RunID || after.State != runs.StateComplete || after.Done != after.Made {
				t.Errorf("after the restart: %+v, want run %s resumed and complete (before: %+v)", after, before.RunID, before)
			}
		})
	}
}
