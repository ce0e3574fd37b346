package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/runs"
)

type sseEvent struct {
	Name string
	Data string
}

func parseSSE(t *testing.T, body string) []sseEvent {
	t.Helper()
	var out []sseEvent
	for _, block := range strings.Split(body, "\n\n") {
		var ev sseEvent
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
		if ev.Name != "" {
			out = append(out, ev)
		}
	}
	return out
}

func TestEventsStream(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	e.pipe.script = []runs.Progress{
		{RunID: "r1", State: runs.StateRunning, Made: 3},
		{RunID: "r1", State: runs.StateRunning, Made: 3}, // unchanged: no event
		{RunID: "r1", State: runs.StateRunning, Made: 3, Done: 1, Changed: 1},
		{RunID: "r1", State: runs.StateRunning, Made: 5, Done: 3, Failed: 1, Changed: 2},
		{RunID: "r1", State: runs.StateCompleteWithErrors, Made: 5, Done: 4, Failed: 1, Changed: 2},
	}
	res := e.client(t).get("/api/v1/users/" + url.PathEscape(nsid) + "/events")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %q", res.Status, res.Header.Get("Content-Type"))
	}
	var got []string
	for _, ev := range parseSSE(t, string(res.Body)) {
		var p progressJSON
		switch ev.Name {
		case eventProgress, eventDone:
			if err := json.Unmarshal([]byte(ev.Data), &p); err != nil {
				t.Fatalf("event %s data %q: %v", ev.Name, ev.Data, err)
			}
			got = append(got, ev.Name+" "+p.State+" "+itoa(p.Done)+"/"+itoa(p.Made)+" failed "+itoa(p.Failed))
		default:
			got = append(got, ev.Name+" "+ev.Data)
		}
	}
	want := []string{
		"progress running 0/3 failed 0",
		`recommendations {"changed":1}`,
		"progress running 1/3 failed 0",
		`recommendations {"changed":2}`,
		"progress running 3/5 failed 1",
		"progress complete_with_errors 4/5 failed 1",
		"done complete_with_errors 4/5 failed 1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s\nbody:\n%s", diff, res.Body)
	}
	if res := e.client(t).get("/api/v1/users/nobody@N00/events"); res.Status != 404 || res.errorCode() != codeNotFound {
		t.Fatalf("unknown user events: %d %s", res.Status, res.Body)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestEventsStopWhenClientLeaves runs the app on a real socket: after the client hangs up, the
// stream stops polling (its context ends).
func TestEventsStopWhenClientLeaves(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Heartbeat = 10 * time.Millisecond })
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	e.pipe.script = []runs.Progress{{RunID: "r1", State: runs.StateRunning, Made: 3}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve after Shutdown: %v, want nil", err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/api/v1/users/"+url.PathEscape(nsid)+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(res.Body)
	var sawProgress, sawHeartbeat bool
	for !sawProgress || !sawHeartbeat {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read stream: %v", err)
		}
		sawProgress = sawProgress || strings.HasPrefix(line, "event: progress")
		sawHeartbeat = sawHeartbeat || strings.HasPrefix(line, ": heartbeat")
	}
	cancel()
	res.Body.Close()

	e.pipe.mu.Lock()
	streamCtx := e.pipe.ctxs[len(e.pipe.ctxs)-1]
	e.pipe.mu.Unlock()
	select {
	case <-streamCtx.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the stream kept polling after the client left")
	}
}
