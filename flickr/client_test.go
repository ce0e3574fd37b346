package flickr

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"no key", Options{}},
		{"relative api base", Options{APIKey: "k", APIBase: "/services/rest/"}},
		{"bad oauth base", Options{APIKey: "k", OAuthBase: "::"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := New(tt.o); err == nil {
				t.Errorf("New = %v, want an error", c)
			}
		})
	}
}

func TestRetriesNetworkErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the client sees a broken connection
			}
			return
		}
		_, _ = w.Write(fixture(t, "people_getInfo.json"))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	if _, err := c.PersonInfo(context.Background(), "192376927@N06"); err != nil {
		t.Fatalf("after 2 broken connections: %v", err)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}

	n.Store(0)
	if _, err := c.AddComment(context.Background(), testToken, "1", "x"); err == nil || IsRetryable(err) == false {
		t.Errorf("comment over a broken connection: %v, want a retryable transport error", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("comment attempts = %d, want 1 (a comment may have landed)", got)
	}
}

func TestContextBoundsRetries(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(o *Options) {
		o.MaxRetries = 1000
		o.BaseBackoff, o.MaxBackoff = time.Hour, time.Hour
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.PersonInfo(ctx, "1@N01")
	var httpErr *HTTPError
	if !errors.As(err, &httpErr) || httpErr.Status != http.StatusBadGateway {
		t.Errorf("err = %v, want the last attempt's 502", err)
	}
	if got := n.Load(); got > 2 {
		t.Errorf("attempts = %d: a backoff longer than the deadline must end the call", got)
	}
	if ctx.Err() != nil {
		t.Error("the call waited out its deadline instead of returning at once")
	}
}

func TestBackoffIsBoundedAndJittered(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(o *Options) { o.BaseBackoff, o.MaxBackoff = 100*time.Millisecond, time.Second })
	for n, ceil := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
		800 * time.Millisecond, time.Second, time.Second} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := c.backoff(n)
			if d < 0 || d > ceil {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", n, d, ceil)
			}
			seen[d] = true
		}
		if len(seen) < 100 {
			t.Errorf("backoff(%d) took only %d distinct values in 200 draws: no jitter", n, len(seen))
		}
	}
	if d := c.backoff(200); d < 0 || d > time.Second {
		t.Errorf("backoff(200) = %v overflowed", d)
	}
}

// laneRecorder is a Limiter and Observer that records what it is told.
type laneRecorder struct {
	mu      sync.Mutex
	waits   []Lane
	calls   []string
	observe []Lane
}

func (r *laneRecorder) Wait(_ context.Context, lane Lane) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, lane)
	return nil
}

func (r *laneRecorder) Call(method, outcome string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, method+" "+outcome)
}

func (r *laneRecorder) waitObserved(lane Lane) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.observe = append(r.observe, lane)
}

type waitObserver struct{ *laneRecorder }

func (o waitObserver) Wait(lane Lane, _ time.Duration) { o.waitObserved(lane) }

func TestLanesAndMetrics(t *testing.T) {
	fs := newFixtureServer(t)
	rec := &laneRecorder{}
	c := newTestClient(t, fs.srv.URL, func(o *Options) { o.Limiter = rec; o.Metrics = waitObserver{rec} })
	fs.serve(http.StatusOK, "people_getInfo.json")
	ctx := context.Background()
	if _, err := c.PersonInfo(ctx, "192376927@N06"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PersonInfo(WithLane(ctx, Interactive), "192376927@N06"); err != nil {
		t.Fatal(err)
	}
	fs.serve(http.StatusOK, "error_user_not_found.json")
	if _, err := c.PersonInfo(WithLane(ctx, Background), "1@N01"); err == nil {
		t.Fatal("want not found")
	}
	wantLanes := []Lane{Background, Interactive, Background}
	if diff := cmp.Diff(wantLanes, rec.waits); diff != "" {
		t.Errorf("limiter lanes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantLanes, rec.observe); diff != "" {
		t.Errorf("observed waits (-want +got):\n%s", diff)
	}
	wantCalls := []string{"flickr.people.getInfo ok", "flickr.people.getInfo ok", "flickr.people.getInfo not_found"}
	if diff := cmp.Diff(wantCalls, rec.calls); diff != "" {
		t.Errorf("observed calls (-want +got):\n%s", diff)
	}
	if Interactive.String() != "interactive" || Background.String() != "background" {
		t.Errorf("lane labels %q %q", Interactive, Background)
	}
}
