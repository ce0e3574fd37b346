package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/internal/uiprobe"
)

// e2eBound is the liveness bound of the whole browser run: a hung step fails the test, it does
// not time it.
const e2eBound = 3 * time.Minute

// Figures TestE2E holds the demo to, as a person sees it (docs/ui.md).
const (
	maxCLS           = 0.05 // layout shift while a pull runs and after a fave
	minPhotosDesktop = 12   // photos at least half in view at 1366x900
	minPhotosPhone   = 4    // at 390x844
)

// TestE2E is the acceptance test of the product: it starts the real `photorec demo` through run
// (simulated Flickr, in-process queue, workers, embedded graph, web app) and drives it in headless
// Chromium like a newcomer would: welcome page, log in on the simulator's authorize page as its
// heaviest faver, watch the first pull finish, see recommendations with the simulator's images,
// fave one (checked on the simulator), take in the new photos from the pill, comment in the
// lightbox, dismiss one (gone after a reload), open the taste graph, a phone, and log out. It
// logs the figures of docs/ui.md as "figure:" lines (time from authorize to the first photo,
// layout shift during the pull and after a fave, photos in the first screen at 1366x900 and
// 390x844) and holds them to the limits above. Any script exception, console error or CSP violation fails it. Screenshots of every
// step go to $PHOTOREC_ARTIFACTS (else a temporary directory), with the demo's log.
func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end browser test skipped in -short mode")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		testsvc.Missing(t, "chromium")
	}
	artifacts := os.Getenv("PHOTOREC_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots and demo log in %s", artifacts)

	// A refresh of the heaviest faver finishes in seconds: the client's shared limiter is the only
	// brake (the simulator has none by default).
	t.Setenv("PHOTOREC_FLICKR_CALLS_PER_HOUR", "3600000")
	t.Setenv("PHOTOREC_FLICKR_BURST", "1000")
	t.Setenv("PHOTOREC_LOG_LEVEL", "debug")
	t.Setenv("PHOTOREC_LOG_FORMAT", "text") // the log check below reads level=ERROR
	demo := startDemo(t, artifacts, "7", "400")
	sim := demo.simURL
	site := demo.url
	t.Logf("demo at %s, simulator at %s", site, sim)

	// The simulator's authorize page is not ours: its missing favicon is not an app error.
	b := newE2EBrowser(t, bin, artifacts, sim+"/favicon.ico")
	defer b.checkConsole()

	// 1. Welcome page: a newcomer sees what the app does and how to log in.
	b.step("welcome",
		chromedp.Navigate(site+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="browse-form"]`)))
	b.shot("01-welcome")

	// 2. Log in: the app sends us to the simulator's authorize page; pick its heaviest faver.
	b.step("authorize page",
		chromedp.Click(chromedp.CSS(`[data-testid="login-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pick-0`)),
		b.waitFor(`location.href.startsWith(`+jsString(sim+"/services/oauth/authorize")+`)`))
	b.shot("02-authorize")
	// The first listed user is the world's heaviest faver: plenty of faves for recommendations.
	nsid := b.eval(`document.querySelector('#pick-0').dataset.nsid`)
	if nsid == "" {
		t.Fatal("the authorize page lists no user to pick")
	}
	if n := b.evalInt(`parseInt((document.querySelector('#pick-0').parentElement.textContent.match(/(\d+) faves/) || [0, "0"])[1], 10)`); n < 50 {
		t.Fatalf("the first user on the authorize page has %d faves, want a heavy faver (at least 50)", n)
	}
	authorized := time.Now()
	b.step("log in",
		chromedp.Click(chromedp.CSS(`#pick-0`)),
		b.waitFor(`location.origin === `+jsString(site)+` && document.querySelector('#user-page') !== null`),
		b.waitFor(`document.querySelector('#user-page').dataset.nsid === `+jsString(nsid)),
		b.waitFor(`document.querySelector('#user-page').dataset.owner === "true"`))

	// 3. The first pull: the progress page follows it, then the page turns into recommendations.
	if mode := b.eval(`document.querySelector('#user-page').dataset.mode`); mode == "progress" {
		// The pull may finish (and the page reload into recommendations) at any moment: wait
		// for the progress card only while the page still is in progress mode.
		b.step("progress shown", b.waitFor(`(() => {
			const p = document.querySelector('#user-page');
			if (!p || p.dataset.mode !== "progress") return true;
			const card = document.querySelector('[data-testid="progress"]');
			return card !== null && !card.hidden;
		})()`))
		b.shot("03-progress")
	} else {
		t.Logf("the first pull was done before the page rendered (mode %q): no progress screenshot", mode)
	}
	b.step("recommendations after the pull",
		b.waitFor(`document.querySelector('#user-page') && document.querySelector('#user-page').dataset.mode === "recommendations"`),
		b.waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length >= 3`),
		b.waitFor(`document.querySelectorAll('[data-testid="person-item"]').length > 0`),
		b.waitFor(`document.querySelectorAll('[data-testid="fave-button"]:not([hidden])').length > 0`),
		b.imagesLoaded())
	// Time from authorize to the first photo on screen: when its image finished loading.
	firstPhoto := b.evalFloat(`(() => { const img = document.querySelector('[data-testid="photo-item"] img'); const e = performance.getEntriesByName(img.currentSrc).pop(); return e ? performance.timeOrigin + e.responseEnd : Date.now(); })()`)
	t.Logf("figure: authorize to first photo %.2f s", (firstPhoto-float64(authorized.UnixMilli()))/1000)
	// The grid shows real images from the simulator (at live.staticflickr.com's paths on its host).
	if n := b.evalInt(`Array.from(document.querySelectorAll('[data-testid="photo-item"] img')).filter(i => i.src.startsWith(` + jsString(sim+"/") + `)).length`); n == 0 {
		t.Errorf("no photo in the grid is served by the simulator (%s)", sim)
	}
	// Every photo says in plain words why it is there.
	shown := b.evalInt(`document.querySelectorAll('[data-testid="photo-item"]:not([hidden])').length`)
	withWhy := b.evalInt(`Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([hidden]) [data-testid="why"]')).filter(w => /^(Faved by|You faved|By |Popular)/.test(w.textContent.trim())).length`)
	if shown == 0 || withWhy != shown {
		t.Errorf("%d of %d photos say why they are there (%q)", withWhy, shown, b.eval(`(document.querySelector('[data-testid="why"]') || {}).textContent || ""`))
	}
	b.step("every visible image decoded", b.waitFor(`Array.from(document.images).filter(i => i.getBoundingClientRect().top < innerHeight && i.getBoundingClientRect().height > 0).every(i => i.complete && i.naturalWidth > 0)`))
	b.shot("04-recommendations")
	// A newcomer scrolls down: more photos load as the end of the grid comes near, without a
	// click, and the people to follow stay reachable.
	// Layout shift during the pull is measured without the person's scrolling: up to here, and
	// from after the scrolling below to the end of the pull.
	pullCLS := b.evalFloat(uiprobe.CLS(0))
	photos := b.evalInt(`document.querySelectorAll('[data-testid="photo-item"]').length`)
	if hidden := b.eval(`String(document.querySelector('[data-testid="load-more"]').hidden)`); hidden != "false" {
		t.Fatalf("the first page of %d photos has no next page (load-more hidden=%s): the demo world is too small to test scrolling", photos, hidden)
	}
	b.step("scrolling loads more",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.querySelector('[data-testid="load-more"]').getBoundingClientRect().bottom + scrollY - innerHeight)`),
		b.waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length > `+fmt.Sprint(photos)),
		b.imagesLoaded())
	if got := b.evalInt(`new Set(Array.from(document.querySelectorAll('[data-testid="photo-item"]')).map(e => e.dataset.photoId)).size`); got <= photos {
		t.Errorf("after scrolling, %d distinct photos in the grid, want more than the first page's %d", got, photos)
	}
	b.shot("04a-scrolled")
	b.step("people to follow",
		b.waitFor(`document.querySelector('[data-testid="skip-to-people"]') !== null`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="people-list"]').scrollIntoView({block: "start"})`),
		b.imagesLoaded())
	if top := b.evalInt(`Math.round(document.querySelector('[data-testid="people-list"]').getBoundingClientRect().top)`); top < 0 || top > 900 {
		t.Errorf("people list at %dpx after scrolling to it, want it in the viewport", top)
	}
	// Every person to follow (now in view, so their lazy icons loaded) shows an icon.
	if n := b.evalInt(`Array.from(document.querySelectorAll('[data-testid="person-item"] img')).filter(i => !(i.complete && i.naturalWidth > 0)).length`); n != 0 {
		t.Errorf("%d people to follow show a broken icon", n)
	}
	// Photographers known only from favorites lists get their buddy icon from the favorites
	// reply (extras=icon_server), so every person card's icon is the simulator's (a real icon or
	// Flickr's default buddyicon.gif, both under /img/), never the app's placeholder.
	people := b.evalInt(`document.querySelectorAll('[data-testid="person-item"] img.avatar-small').length`)
	fromSim := b.evalInt(`Array.from(document.querySelectorAll('[data-testid="person-item"] img.avatar-small')).filter(i => i.src.startsWith(` + jsString(sim+"/img/") + `)).length`)
	t.Logf("people icons from the simulator: %d of %d", fromSim, people)
	if people == 0 || fromSim != people {
		t.Errorf("%d of %d people to follow show an icon served by the simulator (%s/img/), want all: the others show the placeholder (srcs %s)",
			fromSim, people, sim, b.eval(`Array.from(document.querySelectorAll('[data-testid="person-item"] img.avatar-small')).map(i => i.src).filter(s => !s.startsWith(`+jsString(sim+"/img/")+`)).slice(0, 3).join(" ")`))
	}
	if n := b.evalInt(`document.querySelectorAll('[data-testid="person-item"]:not(:has(.person-photos img))').length`); n != 0 {
		t.Errorf("%d people to follow show no photo of theirs or faved by you both", n)
	}
	b.shot("04b-people")
	afterScroll := b.evalInt(uiprobe.ShiftCount)
	// Once the refresh is over, a fresh page that follows no refresh: whatever arrives in its
	// grid comes from what the member does. The progress card is hidden when the page loaded
	// after the refresh, and says "Done" when the page followed it to the end.
	b.step("refresh finished",
		b.waitFor(`(() => {
			const s = document.querySelector('[data-testid="status"]');
			if (s.hidden) return document.querySelector('#user-page').dataset.running === "false";
			return /^(Done|Up to date)/.test(s.textContent);
		})()`),
	)
	// Whatever the pull brought while the page was open waited behind the pill: nothing moved.
	if running := b.eval(`document.querySelector('#user-page').dataset.running`); running == "true" {
		cls := max(pullCLS, b.evalFloat(uiprobe.CLS(afterScroll)))
		t.Logf("figure: CLS while the first pull ran (page open from the first photos to the end of the pull) %.4f", cls)
		if cls > maxCLS {
			t.Errorf("layout shift while the first pull ran: %.4f, want <= %v:\n%s", cls, maxCLS, b.eval(uiprobe.Shifts(0)))
		}
	} else {
		t.Logf("the recommendations page loaded after the pull: no layout shift during a pull to measure")
	}
	b.step("reload after the pull",
		chromedp.Reload(),
		b.waitFor(`document.readyState === "complete" && document.querySelectorAll('[data-testid="photo-item"]').length >= 3`),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
		b.imagesLoaded())
	// Photo-first: a screenful of photos in their own shapes, none larger than its file.
	inView := b.evalInt(uiprobe.PhotosInView)
	t.Logf("figure: photos at least half in view at 1366x900: %d", inView)
	if inView < minPhotosDesktop {
		t.Errorf("%d photos at least half in view at 1366x900, want >= %d", inView, minPhotosDesktop)
	}
	if n := b.evalInt(`new Set(Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([hidden])')).slice(0, 30).map(li => (li.dataset.w / li.dataset.h).toFixed(2))).size`); n < 2 {
		t.Errorf("the first 30 photos have %d distinct aspect ratios, want more than one", n)
	}
	if up := b.eval(uiprobe.Upscaled); up != "" {
		t.Errorf("photos shown larger than their image file:\n%s", up)
	}
	b.shot("04c-first-screen")
	if running := b.eval(`document.querySelector('#user-page').dataset.running`); running != "false" {
		t.Fatalf("the page says a refresh is running (data-running=%s) after it said Done", running)
	}
	if n := b.evalInt(`document.querySelectorAll('[data-testid="photo-item"][data-arrived]').length`); n != 0 {
		t.Fatalf("%d photos are marked as just arrived on a fresh page", n)
	}

	// 4. Fave the first photo: the button turns pressed, and the fave lands on the simulator.
	first := b.eval(`document.querySelector('[data-testid="photo-item"]').dataset.photoId`)
	faves := b.evalInt(`parseInt(document.querySelector('[data-testid="fave-count"]').textContent.replace(/\D/g, ""), 10)`)
	if first == "" {
		t.Fatal("the first photo has no data-photo-id")
	}
	box := func(id string) string {
		return b.eval(`(() => { const r = document.querySelector('[data-photo-id="` + id + `"]').getBoundingClientRect(); return [r.x, r.y + scrollY, r.width, r.height].map(Math.round).join(","); })()`)
	}
	before := box(first)
	mark := b.evalInt(uiprobe.ShiftCount)
	b.evalInt(`window.e2eNotReloaded = 1`)
	b.step("fave",
		chromedp.Click(chromedp.CSS(`[data-photo-id="`+first+`"] [data-testid="fave-button"]`)),
		b.waitFor(`document.querySelector('[data-photo-id="`+first+`"] [data-testid="fave-button"]').getAttribute('aria-pressed') === "true"`),
		b.waitFor(`document.querySelector('[data-photo-id="`+first+`"] [data-testid="item-status"]').textContent.includes("Faved")`))
	b.shot("05-faved")
	// The fave is in the graph at once: the photos that joined the first page wait behind the
	// "N new photos" pill, and nothing on screen moves until the member takes them in.
	b.step("new photos behind the pill", b.waitFor(`!document.querySelector('[data-testid="new-pill"]').hidden`))
	if after := box(first); after != before {
		t.Errorf("the faved photo moved from %s to %s after the fave", before, after)
	}
	clsFave := b.evalFloat(uiprobe.ShiftTotal(mark))
	t.Logf("figure: layout shift after a fave (all shifts, until the pill showed) %.4f", clsFave)
	if clsFave > maxCLS {
		t.Errorf("layout shift after a fave: %.4f, want <= %v:\n%s", clsFave, maxCLS, b.eval(uiprobe.Shifts(mark)))
	}
	b.step("take the new photos in",
		chromedp.Click(chromedp.CSS(`[data-testid="new-pill"]`)),
		b.waitFor(`document.querySelectorAll('[data-testid="photo-item"][data-arrived="true"] [data-testid="arrived-badge"]:not([hidden])').length > 0`),
		b.waitFor(`document.querySelector('[data-testid="grid-announce"]').textContent.includes("at the top of the grid")`),
		b.imagesLoaded())
	if b.evalInt(`window.e2eNotReloaded || 0`) != 1 {
		t.Errorf("the page reloaded after the fave, want the grid updated in place")
	}
	if got := b.eval(`document.querySelector('[data-photo-id="` + first + `"] [data-testid="fave-button"]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("after the update, the faved card's button has aria-pressed=%s, want true", got)
	}
	b.shot("05a-arrived")
	if !favedOnSimulator(t, sim, nsid, first) {
		t.Errorf("the fave button shows success but photo %s is not in %s's faves on the simulator", first, nsid)
	}
	if calls := simCalls(t, sim); calls["flickr.favorites.add"] != 1 {
		t.Errorf("simulator saw %d flickr.favorites.add calls, want 1 (all calls: %v)", calls["flickr.favorites.add"], calls)
	}

	// A photo in the lightbox: its why, more like this, and a comment posted on Flickr.
	lbID := b.eval(`Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([data-arrived])')).map(e => e.dataset.photoId).find(id => id !== ` + jsString(first) + `) || ""`)
	const comment = "What a light, where was this taken?"
	b.step("lightbox",
		chromedp.Click(chromedp.CSS(`[data-photo-id="`+lbID+`"] [data-testid="photo-link"]`)),
		b.waitFor(`document.querySelector('[data-testid="lightbox"]').open`),
		b.waitFor(`document.querySelectorAll('[data-testid="more-like-this"] img').length > 0`),
		b.imagesLoaded())
	if got := b.eval(`document.querySelector('[data-testid="lightbox-why"]').textContent`); !strings.Contains(got, "aved") {
		t.Errorf("the lightbox's why says %q", got)
	}
	b.shot("05b-lightbox")
	b.step("comment",
		chromedp.Click(chromedp.CSS(`[data-testid="comment-toggle"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="comment-input"]`), comment),
		chromedp.Click(chromedp.CSS(`[data-testid="comment-submit"]`)),
		b.waitFor(`document.querySelector('#lb-status').textContent === "Comment posted on Flickr."`),
		chromedp.KeyEvent(kb.Escape),
		b.waitFor(`!document.querySelector('[data-testid="lightbox"]').open`))
	if calls := simCalls(t, sim); calls["flickr.photos.comments.addComment"] != 1 {
		t.Errorf("simulator saw %d flickr.photos.comments.addComment calls, want 1 (all calls: %v)", calls["flickr.photos.comments.addComment"], calls)
	}

	// 5. Dismiss the second photo: it is greyed out under an Undo, and gone after a reload.
	second := b.eval(`Array.from(document.querySelectorAll('[data-testid="photo-item"]')).map(e => e.dataset.photoId).find(id => id !== ` + jsString(first) + `) || ""`)
	if second == "" {
		t.Fatal("no second photo to dismiss")
	}
	sel := `[data-photo-id="` + second + `"]`
	b.step("dismiss",
		chromedp.Click(chromedp.CSS(sel+` [data-testid="dismiss-button"]`)),
		b.waitFor(`document.querySelector('`+sel+`').classList.contains("dismissed")`),
		b.waitFor(`!document.querySelector('`+sel+` [data-testid="undo-dismiss"]').closest('[hidden]')`))
	b.shot("06-dismissed")
	b.step("reload after dismiss",
		chromedp.Reload(),
		b.waitFor(`document.readyState === "complete" && document.querySelectorAll('[data-testid="photo-item"]').length >= 2`),
		b.imagesLoaded())
	if n := b.evalInt(`document.querySelectorAll('` + sel + `').length`); n != 0 {
		t.Errorf("dismissed photo %s is back after a reload", second)
	}
	// The fave is in the graph: the photo is no longer recommended, and the count went up.
	if n := b.evalInt(`document.querySelectorAll('[data-photo-id="` + first + `"]').length`); n != 0 {
		t.Errorf("faved photo %s is still recommended after a reload", first)
	}
	if got := b.evalInt(`parseInt(document.querySelector('[data-testid="fave-count"]').textContent.replace(/\D/g, ""), 10)`); got != faves+1 {
		t.Errorf("fave count after faving one photo = %d, want %d", got, faves+1)
	}
	b.shot("07-after-reload")

	// 6. The taste graph: the photographers whose photos the user faved, around the user.
	b.step("taste graph",
		chromedp.Click(chromedp.CSS(`[data-testid="taste-link"]`)),
		b.waitFor(`document.querySelector('#taste-graph') !== null`),
		b.waitFor(`document.querySelectorAll('[data-testid="taste-node"]').length > 0`),
		b.waitFor(`document.querySelector('[data-testid="taste-center"]') !== null`),
		b.imagesLoaded())
	b.shot("08-taste")

	// On a phone the same page is one column, and nothing overflows sideways.
	b.step("phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(site+"/u/"+nsid),
		b.waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length > 0`),
		b.imagesLoaded())
	if w := b.evalInt(`document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390px wide phone the page is %dpx wide", w)
	}
	inView = b.evalInt(uiprobe.PhotosInView)
	t.Logf("figure: photos at least half in view at 390x844: %d", inView)
	if inView < minPhotosPhone {
		t.Errorf("%d photos at least half in view at 390x844, want >= %d", inView, minPhotosPhone)
	}
	b.shot("08b-phone")
	b.step("desktop again", chromedp.EmulateViewport(1366, 900))

	// 7. Log out: back on the welcome page, logged out.
	b.step("logout",
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		b.waitFor(`location.pathname === "/" && document.querySelector('[data-testid="login-button"]') !== null`),
		b.waitFor(`document.querySelector('[data-testid="logout"]') === null && document.querySelector('[data-testid="nav-login"]') !== null`))
	b.shot("09-logged-out")

	b.close()
	demo.stop(t)
	// Nothing went wrong inside the demo either, shutdown included.
	logText, err := os.ReadFile(demo.logPath)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(logText)) {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("demo logged an error: %s", strings.TrimSpace(line))
		}
	}
}

// e2eDemo is a `photorec demo` running in this process.
type e2eDemo struct {
	url, simURL string
	logPath     string // the demo's log (text format)
	cancel      context.CancelFunc
	done        chan error
}

// startDemo runs `photorec demo` with a fresh data dir and waits for the URLs it prints. The
// demo's log goes to demo.log in artifacts. A cleanup stops it if the test ends early.
func startDemo(t *testing.T, artifacts, seed, users string) *e2eDemo {
	t.Helper()
	logf, err := os.Create(filepath.Join(artifacts, "demo.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logf.Close() })
	out := &lineWriter{changed: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	d := &e2eDemo{cancel: cancel, done: make(chan error, 1), logPath: logf.Name()}
	args := []string{"demo", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--seed", seed, "--users", users}
	go func() { d.done <- run(ctx, args, out, &syncWriter{w: logf}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-d.done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Logf("demo exited after cancel: %v", err)
			}
		case <-time.After(30 * time.Second):
		}
	})
	appRE := regexp.MustCompile(`photorec demo is running: open (\S+)`)
	simRE := regexp.MustCompile(`simulated Flickr at (\S+)`)
	deadline := time.After(e2eBound)
	for {
		text := out.String()
		if a, s := appRE.FindStringSubmatch(text), simRE.FindStringSubmatch(text); a != nil && s != nil {
			d.url, d.simURL = a[1], s[1]
			return d
		}
		select {
		case err := <-d.done:
			d.done <- err
			t.Fatalf("demo stopped before it was ready: %v (stdout %q; log in %s)", err, text, logf.Name())
		case <-out.changed:
		case <-deadline:
			t.Fatalf("demo not ready after %v (stdout %q)", e2eBound, text)
		}
	}
}

// stop cancels the demo's context and checks that run returns nil (a clean, ordered shutdown).
func (d *e2eDemo) stop(t *testing.T) {
	t.Helper()
	d.cancel()
	select {
	case err := <-d.done:
		d.done <- err // for the cleanup
		if err != nil {
			t.Errorf("demo did not shut down cleanly: run returned %v", err)
		}
	case <-time.After(shutdownTimeout + 15*time.Second):
		t.Errorf("demo still running %v after its context was canceled", shutdownTimeout+15*time.Second)
	}
}

// lineWriter collects what run prints on stdout and signals each write.
type lineWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// syncWriter serializes writes of the demo's many goroutines to one file.
type syncWriter struct {
	mu sync.Mutex
	w  *os.File
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// favedOnSimulator asks the simulator's public REST API whether nsid has faved photo.
func favedOnSimulator(t *testing.T, sim, nsid, photo string) bool {
	t.Helper()
	c, err := flickr.New(flickr.Options{
		APIKey:    flickrtest.DefaultConsumerKey,
		APISecret: flickrtest.DefaultConsumerSecret,
		APIBase:   sim + "/services/rest/",
		OAuthBase: sim + "/services/oauth/",
		Limiter:   flickr.Unlimited,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for page := 1; ; page++ {
		pp, err := c.PublicFavorites(ctx, nsid, flickr.FavoritesQuery{Page: page, PerPage: 500})
		if err != nil {
			t.Fatalf("favorites of %s on the simulator: %v", nsid, err)
		}
		if slices.ContainsFunc(pp.Photos, func(p flickr.Photo) bool { return p.ID == photo }) {
			return true
		}
		if page >= pp.Pages || len(pp.Photos) == 0 {
			return false
		}
	}
}

// simCalls reads the simulator's per-method call counts.
func simCalls(t *testing.T, sim string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sim+"/_sim/calls", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("simulator call counts: %v", err)
	}
	defer res.Body.Close()
	var calls map[string]int
	if err := decodeJSON(res.Body, &calls); err != nil {
		t.Fatalf("simulator call counts: %v", err)
	}
	return calls
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return fmt.Sprintf("%q", s)
}
