package flickr_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/internal/testsvc"
)

var figures = flag.Bool("flickr.figures", false,
	"run TestCallFigures: pulls against the simulator (100ms latency) under the Redis limit (3,600/h), printing calls and time; takes minutes")

// waitSum is an Observer adding up limiter waits and attempts.
type waitSum struct {
	mu       sync.Mutex
	waited   time.Duration
	attempts map[string]int
}

func (w *waitSum) Call(method, outcome string, _ time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.attempts[outcome]++
}

func (w *waitSum) Wait(_ flickr.Lane, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waited += d
}

// TestCallFigures measures the Flickr calls and wall time of the pulls photorec makes: one user
// with about 1,500 faves, then 100 of that user's neighbors (1,000 faves cap each), against the
// simulator with 100ms latency per request, metered by the Redis limiter at 3,600 calls/hour with
// a burst of 10. Run with: go test ./flickr/ -run TestCallFigures -v -timeout 20m -args -flickr.figures
func TestCallFigures(t *testing.T) {
	if !*figures {
		t.Skip("figures run only with -flickr.figures")
	}
	const perHour, burst, latency = 3600, 10, 100 * time.Millisecond
	genStart := time.Now()
	w := flickrtest.Generate(flickrtest.WorldOptions{Seed: 42, Users: 3000})
	fmt.Fprintf(os.Stdout, "world: %d users, %d photos, %d faves (generated in %v)\n",
		w.NumUsers(), w.NumPhotos(), w.NumFaves(), time.Since(genStart).Round(time.Millisecond))
	s := flickrtest.Start(t, w, flickrtest.Options{Latency: latency, CallsPerHour: perHour})
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	defer rdb.Close()

	var user flickrtest.User
	for _, u := range w.Users() {
		if u.Faves >= 1500 && (user.NSID == "" || u.Faves < user.Faves) {
			user = u
		}
	}
	if user.NSID == "" {
		t.Fatal("no user with 1,500 faves in the world")
	}

	run := func(name string, lim flickr.Limiter, body func(c *flickr.Client) (string, error)) {
		t.Helper()
		obs := &waitSum{attempts: map[string]int{}}
		c := simClient(t, s, func(o *flickr.Options) { o.Limiter = lim; o.Metrics = obs })
		s.ResetCalls()
		start := time.Now()
		what, err := body(c)
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		calls := 0
		for _, n := range s.Calls() {
			calls += n
		}
		fmt.Fprintf(os.Stdout, "| %s | %s | %d | %v | %v | %v |\n", name, what, calls,
			elapsed.Round(10*time.Millisecond), obs.waited.Round(10*time.Millisecond), obs.attempts)
	}
	limiter := func(key string) flickr.Limiter {
		return flickr.NewRedisLimiter(rdb, flickr.LimitOptions{CallsPerHour: perHour, Burst: burst, Key: key})
	}
	pullUser := func(c *flickr.Client) (string, error) {
		faves, _, err := c.AllPublicFavorites(context.Background(), user.NSID, time.Time{}, 0)
		return fmt.Sprintf("1 user, %d faves", len(faves)), err
	}
	var neighbors []string
	for _, f := range w.FavesOf(user.NSID) {
		if f.Owner != user.NSID && !slices.Contains(neighbors, f.Owner) {
			neighbors = append(neighbors, f.Owner)
		}
		if len(neighbors) == 100 {
			break
		}
	}
	pullNeighbors := func(c *flickr.Client) (string, error) {
		total := 0
		for _, n := range neighbors {
			faves, _, err := c.AllPublicFavorites(context.Background(), n, time.Time{}, 1000)
			if err != nil {
				return "", err
			}
			total += len(faves)
		}
		return fmt.Sprintf("%d neighbors, %d faves", len(neighbors), total), nil
	}
	fmt.Fprintf(os.Stdout, "simulator latency %v; limiter %d/h burst %d (fresh bucket per row)\n", latency, perHour, burst)
	fmt.Fprintln(os.Stdout, "| pull | pulled | Flickr calls | wall time | limiter wait | attempts by outcome |")
	fmt.Fprintln(os.Stdout, "|---|---|---|---|---|---|")
	run("user (limited)", limiter("fig:a"), pullUser)
	run("100 neighbors (limited)", limiter("fig:b"), pullNeighbors)
	run("user (unlimited)", flickr.Unlimited, pullUser)
	run("100 neighbors (unlimited)", flickr.Unlimited, pullNeighbors)
}
