package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// runDemo runs `photorec demo` on dataDir (with extra flags) until the returned stop is called
// (or the test ends), and returns the simulator's and the app's URLs once the demo says it is
// ready. stop checks a clean shutdown.
func runDemo(t *testing.T, dataDir, seed, users string, extra ...string) (simURL, appURL string, stop func()) {
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
	simRE, appRE := regexp.MustCompile(`simulated Flickr at (\S+)`), regexp.MustCompile(`photorec demo is running: open (\S+)`)
	deadline := time.After(time.Minute)
	for {
		text := out.String()
		if sim, app := simRE.FindStringSubmatch(text), appRE.FindStringSubmatch(text); sim != nil && app != nil {
			return sim[1], app[1], stop
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

// demoRecs is the part of GET /api/v1/users/{nsid}/recommendations/photos this test reads.
type demoRecs struct {
	Items []struct {
		Photo struct {
			ID      string `json:"id"`
			Owner   string `json:"owner"`
			PageURL string `json:"page_url"`
		} `json:"photo"`
		Owner struct {
			ProfileURL string `json:"profile_url"`
		} `json:"owner"`
	} `json:"items"`
}

// getBody GETs u and returns the status and body.
func getBody(ctx context.Context, t *testing.T, u string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, body
}

// TestDemoKeepsSimulatorWritesAcrossRestart faves a photo on the demo's simulated Flickr, restarts
// the demo on the same data dir and finds the fave still there, the simulator at the same URL
// (the graph keeps its image URLs), the access token from before the restart still good for a
// fave, and the app's photo and profile links on the simulator's pages; `demo --reset` refuses
// while that demo runs, and once it has stopped starts over without the fave and with an empty graph.
func TestDemoKeepsSimulatorWritesAcrossRestart(t *testing.T) {
	dataDir := t.TempDir()
	world := flickrtest.TinyWorld(11) // what `demo --seed 11 --users 300` generates
	users := world.Users()
	me := users[0]
	faved := map[string]bool{}
	for _, f := range world.FavesOf(me.NSID) {
		faved[f.PhotoID] = true
	}
	var photos []string
	for _, u := range users[1:] {
		for _, p := range world.PhotosOf(u.NSID) {
			if !faved[p.ID] {
				photos = append(photos, p.ID)
			}
		}
	}
	if len(photos) < 2 {
		t.Fatal("no two photos to fave")
	}
	photo, later := photos[0], photos[1]
	// The graph gets a member (users[1]) who faved two photos of owner, and me faving the
	// first, so that the app recommends the second to me.
	var owner flickrtest.User
	var shared []flickrtest.Photo
	for _, u := range users[2:] {
		if shared = world.PhotosOf(u.NSID); len(shared) >= 2 {
			owner = u
			break
		}
	}
	if owner.NSID == "" {
		t.Fatal("no member with two photos")
	}

	sim, _, stop := runDemo(t, dataDir, "11", "300")
	c, err := flickr.New(flickr.Options{APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: sim + "/services/rest/", OAuthBase: sim + "/services/oauth/", Limiter: flickr.Unlimited})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	token := simulatorToken(ctx, t, c, sim, me.NSID)
	if err := c.AddFavorite(ctx, token, photo); err != nil {
		t.Fatal(err)
	}
	if !favedOnSimulator(t, sim, me.NSID, photo) {
		t.Fatalf("photo %s not faved right after the fave", photo)
	}
	stop()

	// Seed the graph (see owner above).
	g, err := embedded.Open(ctx, embedded.Options{Dir: graphDir(config.Config{DataDir: dataDir})})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []graph.FavesBatch{
		{User: users[1].NSID, At: time.Now(), Faves: []graph.Fave{{Photo: graph.Photo{ID: shared[0].ID, Owner: owner.NSID}}, {Photo: graph.Photo{ID: shared[1].ID, Owner: owner.NSID}}}},
		{User: me.NSID, At: time.Now(), Faves: []graph.Fave{{Photo: graph.Photo{ID: shared[0].ID, Owner: owner.NSID}}}},
	} {
		if err = g.AddFaves(ctx, b); err != nil {
			break
		}
	}
	if cerr := g.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	before := sim
	sim, app, stop := runDemo(t, dataDir, "11", "300")
	if sim != before {
		t.Errorf("simulator at %s after the restart, want %s as before (the graph keeps its image URLs)", sim, before)
	}
	if !favedOnSimulator(t, sim, me.NSID, photo) {
		t.Errorf("fave of %s by %s lost across a demo restart", photo, me.NSID)
	}
	c, err = flickr.New(flickr.Options{APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: sim + "/services/rest/", OAuthBase: sim + "/services/oauth/", Limiter: flickr.Unlimited})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddFavorite(ctx, token, later); err != nil {
		t.Errorf("fave with the access token from before the restart: %v", err)
	} else if !favedOnSimulator(t, sim, me.NSID, later) {
		t.Errorf("photo %s not faved after a fave with the token from before the restart", later)
	}

	status, body := getBody(ctx, t, app+"/api/v1/users/"+me.NSID+"/recommendations/photos")
	var recs demoRecs
	if err := json.Unmarshal(body, &recs); status != http.StatusOK || err != nil {
		t.Fatalf("recommendations: %d %v: %s", status, err, body)
	}
	var links []string
	for _, it := range recs.Items {
		if it.Photo.ID == shared[1].ID {
			links = []string{it.Photo.PageURL, it.Owner.ProfileURL}
		}
	}
	want := []string{sim + "/photos/" + owner.NSID + "/" + shared[1].ID + "/", sim + "/photos/" + owner.NSID + "/"}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("links of the recommended photo %s (-want +got):\n%s\nrecommendations: %s", shared[1].ID, diff, body)
	}
	for _, link := range links {
		if !strings.HasPrefix(link, sim+"/") {
			continue // reported above; no requests to the real Flickr
		}
		if status, page := getBody(ctx, t, link); status != http.StatusOK || !strings.Contains(string(page), `id="`) {
			t.Errorf("GET %s: %d %s", link, status, page)
		}
	}

	err = run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--seed", "11", "--users", "300", "--reset"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("demo --reset while a demo runs on the data dir: %v, want an in-use error", err)
	}
	if _, err := os.Stat(demoJournalPath(config.Config{DataDir: dataDir})); err != nil {
		t.Errorf("the refused reset touched the journal: %v", err)
	}
	stop()

	sim, _, stop = runDemo(t, dataDir, "11", "300", "--reset")
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

// TestDemoSimulatorAddress checks where listenSimulator listens: on the remembered address when it
// is free, else on a free loopback port with a warning, remembering the address it took.
func TestDemoSimulatorAddress(t *testing.T) {
	free := func(t *testing.T) string {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	freeAddr := free(t)
	tests := []struct {
		name        string
		remembered  string // "" for no file
		wantAddr    string // "" for any other loopback port
		wantWarning string
	}{
		{"first run", "", "", ""},
		{"remembered and free", freeAddr, freeAddr, ""},
		{"remembered but taken", taken.Addr().String(), "", "pictures stored by earlier runs will not load until their members are refreshed"},
		{"remembered address is not loopback", "192.0.2.1:8080", "", "not a loopback host:port"},
		{"remembered garbage", "no port", "", "not a loopback host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Config{DataDir: t.TempDir()}
			path := demoSimulatorAddrPath(cfg)
			if tt.remembered != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.remembered+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var logs bytes.Buffer
			ln, err := listenSimulator(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			got := ln.Addr().String()
			host, _, _ := net.SplitHostPort(got)
			if tt.wantAddr != "" && got != tt.wantAddr || tt.wantAddr == "" && (host != "127.0.0.1" || got == tt.remembered) {
				t.Errorf("listening on %s, want %q (\"\" means another free loopback port)", got, tt.wantAddr)
			}
			if b, err := os.ReadFile(path); err != nil || string(b) != got+"\n" {
				t.Errorf("remembered %q (%v), want %q", b, err, got+"\n")
			}
			if tt.wantWarning == "" && strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), tt.wantWarning) {
				t.Errorf("log %q, want a warning containing %q (none when empty)", logs.String(), tt.wantWarning)
			}
		})
	}
}
