package server

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/runs"
)

// TestBrowser drives the pages in headless Chromium, keyboard-free but through the real login
// dance: browse a new user (progress page, then recommendations once the pull is done), log in
// on the simulator's authorize page, fave a photo, open the taste graph. It saves screenshots
// to $PHOTOREC_SCREENSHOTS when set.
func TestBrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		testsvc.Missing(t, "chromium")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := "http://" + ln.Addr().String()
	e := newEnv(t, func(o *Options) {
		o.BaseURL = site
		o.ImageSources = []string{"http://127.0.0.1:*", "https://*.staticflickr.com", "https://www.flickr.com"}
		o.PollInterval = 50 * time.Millisecond
	})
	go func() { _ = e.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
	})
	nsid := e.heavyUser(t)
	u, _ := e.world.User(nsid)
	shots := os.Getenv("PHOTOREC_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("lang", "en-US"))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Every uncaught script error and every CSP violation fails the test.
	consoleCtx, stopConsole := context.WithCancel(bctx)
	var consoleMu sync.Mutex
	var problems []string
	consoleDone := make(chan struct{})
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				consoleMu.Lock()
				problems = append(problems, string(m.Type)+": "+m.Text)
				consoleMu.Unlock()
			}
		}
	}()
	defer func() {
		stopConsole()
		<-consoleDone
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	}()
	// step runs actions with a liveness bound (a hung page fails the test, it does not time it).
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// waitFor evaluates js until it is true; it survives navigations (a page reload between two
	// evaluations just means another try).
	waitFor := func(js string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			for {
				ok, err := chromedp.Evaluate[bool](js)(ctx, tg)
				if err == nil && ok {
					return chromedp.Void{}, nil
				}
				select {
				case <-ctx.Done():
					return chromedp.Void{}, fmt.Errorf("waiting for %s: %w (last error: %w)", js, ctx.Err(), err)
				case <-time.After(50 * time.Millisecond):
				}
			}
		}
	}
	imagesLoaded := waitFor(`Array.from(document.images).filter(i => i.getBoundingClientRect().top < innerHeight).every(i => i.complete)`)
	shot := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	colorScheme := func(scheme string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			if err != nil {
				return chromedp.Void{}, err
			}
			// Let the color transitions (0.15s) finish before any screenshot.
			return chromedp.Sleep(300*time.Millisecond)(ctx, tg)
		}
	}

	// Welcome, then browse a user nobody pulled yet: the progress page follows the run.
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 3, Failed: 1, Changed: 1}}
	e.pipe.mu.Unlock()
	step("welcome", chromedp.Navigate(site+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-button"]`)))
	shot("welcome")
	step("welcome dark", colorScheme("dark"))
	shot("welcome-dark")
	step("browse",
		colorScheme("light"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="browse-input"]`), u.Username),
		chromedp.Click(chromedp.CSS(`[data-testid="browse-submit"]`)),
		waitFor(`document.querySelector('#progress-bar') && document.querySelector('#progress-bar').value > 0.3`),
		waitFor(`!document.querySelector('[data-testid="progress-failed"]').hidden`))
	shot("progress")

	// The member's own pull lands while the run goes on: the first "recommendations" event
	// reloads the page into recommendations, long before the run is done, and the page keeps
	// following the run.
	e.seedUser(t, nsid)
	e.iconsFromFlickr(t, nsid)
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 5, Failed: 1, Changed: 2}}
	e.pipe.calls = 0
	e.pipe.mu.Unlock()
	step("recommendations while the run goes on",
		waitFor(`document.querySelector('#user-page').dataset.mode === "recommendations" && document.querySelector('#user-page').dataset.running === "true"`))
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r1", State: runs.StateComplete, Made: 10, Done: 10, Changed: 2}}
	e.pipe.calls = 0
	e.pipe.mu.Unlock()
	step("recommendations after the pull",
		waitFor(`document.querySelector('#user-page').dataset.mode === "recommendations"`),
		waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length > 0`),
		waitFor(`document.querySelectorAll('[data-testid="person-item"]').length > 0`),
		imagesLoaded)
	shot("recommendations-visitor")

	// Log in on the simulator's authorize page and come back as the owner.
	step("login",
		chromedp.Click(chromedp.CSS(`[data-testid="nav-login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-as`)),
		chromedp.SendKeys(chromedp.CSS(`#login-as`), nsid),
		chromedp.Click(chromedp.CSS(`#authorize`)),
		waitFor(`location.pathname === "/u/`+url.PathEscape(nsid)+`" || location.pathname === "/u/`+nsid+`"`),
		waitFor(`document.querySelector('#user-page').dataset.owner === "true"`),
		waitFor(`document.querySelectorAll('[data-testid="fave-button"]:not([hidden])').length > 0`),
		imagesLoaded)
	first, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="photo-item"]').dataset.photoId`))
	if err != nil || first == "" {
		t.Fatalf("first photo id: %q %v", first, err)
	}
	// The owner reads why one photo is there and starts a comment on another; nothing the grid
	// shows is marked as just arrived yet.
	ids, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="photo-item"]')).slice(1, 3).map(e => e.dataset.photoId)`))
	if err != nil || len(ids) != 2 {
		t.Fatalf("second and third photo ids: %q %v", ids, err)
	}
	whyID, draftID := ids[0], ids[1]
	const draft = "Lovely colours"
	step("why and a comment draft",
		chromedp.Click(chromedp.CSS(`[data-photo-id="`+whyID+`"] [data-testid="why-toggle"]`)),
		chromedp.Click(chromedp.CSS(`[data-photo-id="`+draftID+`"] [data-testid="comment-toggle"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-photo-id="`+draftID+`"] [data-testid="comment-input"]`), draft),
		waitFor(`document.querySelectorAll('[data-arrived]').length === 0`))
	// survived checks that the open panel and the draft are still there after an update.
	survived := func(when string) {
		t.Helper()
		got, err := chromedp.Run(bctx, chromedp.Evaluate[string](`String(document.querySelector('[data-photo-id="`+whyID+`"] [data-testid="why"]').open) + " " +
			document.querySelector('[data-photo-id="`+draftID+`"] [data-testid="comment-input"]').value`))
		if want := "true " + draft; err != nil || got != want {
			t.Errorf("%s: why panel open and draft = %q (%v), want %q", when, got, err, want)
		}
	}

	// The fave changes the member's recommendations at once: without a reload, the photos
	// that joined the first page arrive at the top of the grid, and the faved card stays.
	step("fave",
		chromedp.Click(chromedp.CSS(`[data-photo-id="`+first+`"] [data-testid="fave-button"]`)),
		waitFor(`document.querySelector('[data-photo-id="`+first+`"] [data-testid="fave-button"]').getAttribute('aria-pressed') === "true"`),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		waitFor(`document.querySelectorAll('[data-arrived="true"] [data-testid="arrived-badge"]:not([hidden])').length > 0`),
		waitFor(`window.notReloaded === true && document.querySelector('[data-photo-id="`+first+`"] [data-testid="fave-button"]').getAttribute('aria-pressed') === "true"`),
		imagesLoaded)
	if !favedOnFlickr(e, nsid, first) {
		t.Fatalf("the fave button showed success but photo %s is not faved on the simulator", first)
	}
	survived("after the fave")

	// A refresh lands a photo in the graph: the "recommendations" event brings it to the top
	// of the grid, and the open panel and the draft are still there.
	e.addFreshPhoto(t, nsid, "99999000002")
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r2", State: runs.StateRunning, Made: 7, Done: 1, Changed: 10}}
	e.pipe.calls = 0
	e.pipe.mu.Unlock()
	step("refresh", chromedp.Click(chromedp.CSS(`#refresh`)), waitFor(`document.querySelector('#progress-text').textContent.includes("of 7")`))
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r2", State: runs.StateRunning, Made: 7, Done: 4, Changed: 11}}
	e.pipe.calls = 0
	e.pipe.mu.Unlock()
	step("a refresh brings a photo",
		waitFor(`document.querySelector('[data-photo-id="99999000002"][data-arrived="true"]') !== null`),
		waitFor(`window.notReloaded === true`))
	survived("after a recommendations event")
	e.pipe.mu.Lock()
	e.pipe.script = []runs.Progress{{RunID: "r2", State: runs.StateComplete, Made: 7, Done: 7, Changed: 11}}
	e.pipe.calls = 0
	e.pipe.mu.Unlock()
	step("refresh done", waitFor(`document.querySelector('#progress-text').textContent.startsWith("Done")`), imagesLoaded)
	shot("recommendations-owner")
	step("owner dark", colorScheme("dark"), imagesLoaded)
	shot("recommendations-owner-dark")

	// A photo the store first sees after this visit is highlighted on the next one.
	e.clock.Advance(time.Hour)
	e.addFreshPhoto(t, nsid, "99999000001")
	e.clock.Advance(time.Hour)
	step("new since the last visit",
		chromedp.Navigate(site+"/u/"+url.PathEscape(nsid)),
		waitFor(`document.querySelector('[data-photo-id="99999000001"].is-new [data-testid="new-badge"]:not([hidden])') !== null`),
		imagesLoaded)
	shot("recommendations-new")

	// Keyboard only: focus the second photo's dismiss button and press Enter.
	second, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelectorAll('[data-testid="photo-item"]')[1].dataset.photoId`))
	if err != nil || second == "" {
		t.Fatalf("second photo id: %q %v", second, err)
	}
	step("dismiss with the keyboard",
		chromedp.Focus(chromedp.CSS(`[data-photo-id="`+second+`"] [data-testid="dismiss-button"]`)),
		chromedp.KeyEvent("\r"),
		waitFor(`document.querySelector('[data-photo-id="`+second+`"]').classList.contains("dismissed")`))
	var p photoPageJSON
	e.client(t).get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=500").decode(t, &p)
	for _, it := range p.Items {
		if it.Photo.ID == second {
			t.Fatalf("photo %s dismissed with the keyboard is still recommended", second)
		}
	}

	// The ranking can switch algorithms in place.
	step("switch to popularity",
		chromedp.Evaluate[chromedp.Void](`window.topBefore = Array.from(document.querySelectorAll('[data-testid="photo-item"]')).slice(0, 8).map(e => e.dataset.photoId).join();
			const sel = document.querySelector('[data-testid="algorithm-select"]');
			sel.value = "popularity";
			sel.dispatchEvent(new Event("change"));`),
		waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length >= 8 &&
			Array.from(document.querySelectorAll('[data-testid="photo-item"]')).slice(0, 8).map(e => e.dataset.photoId).join() !== window.topBefore`))

	step("taste graph",
		colorScheme("light"),
		chromedp.Navigate(site+"/u/"+url.PathEscape(nsid)+"/taste"),
		waitFor(`document.querySelectorAll('[data-testid="taste-node"]').length > 0`),
		waitFor(`document.querySelectorAll('#taste-detail-photos img').length > 0`),
		imagesLoaded)
	shot("taste")

	step("phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(site+"/u/"+url.PathEscape(nsid)),
		waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length > 0`),
		imagesLoaded)
	shot("recommendations-phone")

	// A user with too few faves gets popular photos to start with.
	var light string
	for _, lu := range e.world.Users() {
		if !lu.Deleted && lu.Faves > 0 && lu.Faves < minFavesForRecs {
			light = lu.NSID
			break
		}
	}
	e.storeFaves(t, light, e.clock.Now())
	if err := e.g.FinishPull(context.Background(), graph.PullDone{User: light, PullID: "seed-" + light, Kind: graph.PullFull, At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	step("getting started",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(site+"/u/"+url.PathEscape(light)),
		waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length > 0`),
		imagesLoaded)
	shot("getting-started")

	step("logout",
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		waitFor(`location.pathname === "/" && document.querySelector('[data-testid="login-button"]') !== null`))
	if _, err := e.g.Token(context.Background(), nsid); err == nil {
		t.Fatal("token still stored after logout")
	}
}

// addFreshPhoto makes the strongest neighbors of nsid fave a photo the store has not seen, so
// that it ranks near the top of nsid's recommendations.
func (e *env) addFreshPhoto(tb testing.TB, nsid, id string) {
	tb.Helper()
	ctx := context.Background()
	ns, err := e.g.Neighbors(ctx, nsid, graph.ByScore, graph.MaxLimit)
	if err != nil || len(ns) == 0 {
		tb.Fatalf("neighbors of %s: %d, %v", nsid, len(ns), err)
	}
	p, err := e.world.Photo(e.world.FavesOf(ns[0].User.NSID)[0].PhotoID)
	if err != nil {
		tb.Fatal(err)
	}
	fresh := graph.Photo{ID: id, Owner: ns[1].User.NSID, Title: "Fresh light", Server: p.Server, Secret: p.Secret,
		ThumbURL: e.sim.URL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret + "_q.jpg"}
	for _, n := range ns {
		if n.User.NSID == fresh.Owner {
			continue
		}
		b := graph.FavesBatch{User: n.User.NSID, PullID: "fresh-" + n.User.NSID, At: e.clock.Now(), Faves: []graph.Fave{{Photo: fresh, FavedAt: e.clock.Now()}}}
		if err := e.g.AddFaves(ctx, b); err != nil {
			tb.Fatal(err)
		}
	}
}

var farmHost = regexp.MustCompile(`^https://farm[0-9]+\.staticflickr\.com/`)

// iconsFromFlickr stores buddy icons (from people.getInfo) for nsid and their neighbors, as the
// pipeline would.
func (e *env) iconsFromFlickr(t *testing.T, nsid string) {
	t.Helper()
	ctx := context.Background()
	ns, err := e.g.Neighbors(ctx, nsid, graph.ByScore, 40)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{nsid}
	for _, n := range ns {
		ids = append(ids, n.User.NSID)
	}
	var users []graph.User
	for _, id := range ids {
		p, err := e.srv.opts.Flickr.PersonInfo(ctx, id)
		if err != nil {
			t.Fatalf("PersonInfo %s: %v", id, err)
		}
		// The client builds Flickr's farm URLs; the simulator serves the same paths under /img/.
		icon := strings.Replace(p.IconURL, "https://www.flickr.com/images/", e.sim.URL+"/img/", 1)
		icon = farmHost.ReplaceAllString(icon, e.sim.URL+"/img/")
		users = append(users, graph.User{NSID: p.NSID, Username: p.Username, Realname: p.Realname, IconURL: icon})
	}
	if err := e.g.UpsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
}
