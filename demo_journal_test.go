package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// runDemo runs `photorec demo` on dataDir (with extra flags) until the returned stop is called
// (or the test ends), and returns the simulator's URL once the demo says it is ready. stop
// checks a clean shutdown.
func runDemo(t *testing.T, dataDir, seed, users string, extra ...string) (simURL string, stop func()) {
	t.Helper()
	out := &lineWriter{changed: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	args := append([]string{"demo", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--seed", seed, "--users", users}, extra...)
	go func() { done <- run(ctx, args, out, io.Discard) }()
	stopped := false
	stop = func() {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo did not shut down cleanly: %v", err)
			}
		case <-time.After(shutdownTimeout + 15*time.Second):
			t.Errorf("demo still running after its context was canceled")
		}
	}
	t.Cleanup(stop)
	simRE := regexp.MustCompile(`simulated Flickr at (\S+)`)
	deadline := time.After(time.Minute)
	for {
		if m := simRE.FindStringSubmatch(out.String()); m != nil {
			return m[1], stop
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("demo stopped before it was ready: %v", err)
		case <-out.changed:
		case <-deadline:
			t.Fatalf("demo not ready after a minute (stdout %q)", out.String())
		}
	}
}

// simulatorToken logs in on the simulator as nsid through OAuth with an out-of-band verifier,
// posting the authorize form as a browser would.
func simulatorToken(ctx context.Context, t *testing.T, c *flickr.Client, sim, nsid string) flickr.Token {
	t.Helper()
	req, err := c.RequestToken(ctx, "oob")
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"oauth_token": {req.Token}, "perms": {"write"}, "login_as": {nsid}, "action": {"authorize"}}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, sim+"/services/oauth/authorize", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<code id="verifier">([^<]+)</code>`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("authorize page without a verifier: %s", page)
	}
	at, err := c.AccessToken(ctx, req, string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return at.Token
}

// TestDemoKeepsSimulatorWritesAcrossRestart faves a photo on the demo's simulated Flickr, restarts
// the demo on the same data dir and finds the fave still there; `demo --reset` refuses while that
// demo runs, and once it has stopped starts over without the fave and with an empty graph.
func TestDemoKeepsSimulatorWritesAcrossRestart(t *testing.T) {
	dataDir := t.TempDir()
	world := flickrtest.TinyWorld(11) // what `demo --seed 11 --users 300` generates
	me := world.Users()[0]
	faved := map[string]bool{}
	for _, f := range world.FavesOf(me.NSID) {
		faved[f.PhotoID] = true
	}
	var photo string
	for _, p := range world.PhotosOf(world.Users()[1].NSID) {
		if !faved[p.ID] {
			photo = p.ID
			break
		}
	}
	if photo == "" {
		t.Fatal("no photo to fave")
	}

	sim, stop := runDemo(t, dataDir, "11", "300")
	c, err := flickr.New(flickr.Options{APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: sim + "/services/rest/", OAuthBase: sim + "/services/oauth/", Limiter: flickr.Unlimited})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.AddFavorite(ctx, simulatorToken(ctx, t, c, sim, me.NSID), photo); err != nil {
		t.Fatal(err)
	}
	if !favedOnSimulator(t, sim, me.NSID, photo) {
		t.Fatalf("photo %s not faved right after the fave", photo)
	}
	stop()

	sim, stop = runDemo(t, dataDir, "11", "300")
	if !favedOnSimulator(t, sim, me.NSID, photo) {
		t.Errorf("fave of %s by %s lost across a demo restart", photo, me.NSID)
	}
	err = run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--seed", "11", "--users", "300", "--reset"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("demo --reset while a demo runs on the data dir: %v, want an in-use error", err)
	}
	if _, err := os.Stat(demoJournalPath(config.Config{DataDir: dataDir})); err != nil {
		t.Errorf("the refused reset touched the journal: %v", err)
	}
	stop()
	g, err := embedded.Open(ctx, embedded.Options{Dir: graphDir(config.Config{DataDir: dataDir})})
	if err != nil {
		t.Fatal(err)
	}
	err = g.AddFaves(ctx, graph.FavesBatch{User: me.NSID, At: time.Now(), Faves: []graph.Fave{{Photo: graph.Photo{ID: photo, Owner: world.Users()[1].NSID}}}})
	if cerr := g.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	sim, stop = runDemo(t, dataDir, "11", "300", "--reset")
	if favedOnSimulator(t, sim, me.NSID, photo) {
		t.Errorf("fave of %s by %s still there after demo --reset", photo, me.NSID)
	}
	stop()
	g, err = embedded.Open(ctx, embedded.Options{Dir: graphDir(config.Config{DataDir: dataDir})})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if st, err := g.Stats(ctx); err != nil || st.Faves != 0 {
		t.Errorf("graph after demo --reset holds %+v (%v), want no faves", st, err)
	}
}
