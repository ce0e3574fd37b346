package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/photorec/photorec/flickr/flickrtest"
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
