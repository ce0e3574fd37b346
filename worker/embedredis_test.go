package worker

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/internal/embedredis"
	"github.com/photorec/photorec/runs"
)

// TestDemoQueueOnMiniredis runs the whole pipeline on the in-process Redis of `photorec demo`.
func TestDemoQueueOnMiniredis(t *testing.T) {
	ctx := context.Background()
	srv, err := embedredis.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	world := flickrtest.TinyWorld(3)
	sim := flickrtest.Start(t, world, flickrtest.Options{})
	st, err := embedded.Open(ctx, embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	w, err := New(Options{Redis: rdb, Graph: st, Flickr: newFlickrClient(t, sim.URL, nil, nil), Logger: testLogger(), RetryDelay: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w)

	u := userWith(t, world, 50, 200)
	if _, err := w.Client().Refresh(ctx, u.NSID, runs.ReasonLogin); err != nil {
		t.Fatal(err)
	}
	got := waitDone(t, w.Client(), u.NSID, 2*time.Minute)
	want := 1 + fanOutOf(world, u.NSID, Pipeline{}).pulls()
	if got.State != runs.StateComplete || got.Done != want {
		t.Errorf("progress on miniredis = %+v, want complete with %d done", got, want)
	}
	if n := storedFaves(t, st, u.NSID); n != u.Faves {
		t.Errorf("stored faves = %d, want %d", n, u.Faves)
	}
}
