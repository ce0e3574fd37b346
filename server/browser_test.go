package server

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/uiprobe"
	"github.com/photorec/photorec/runs"
)

// Figures the pages are held to, measured as a person sees them.
const (
	maxLayoutShift    = 0.05 // CLS while a refresh runs, after a fave, after a dismiss ("good" is <= 0.1)
	minPhotosDesktop  = 12   // photos at least half in view on a 1366x900 screen
	minPhotosPhone    = 4    // on a 390x844 phone
	minTouchTarget    = 24   // px, WCAG 2.2 target size (minimum)
	shapeTolerance    = 0.04 // a tile's width/height within 4% of its photo's
	distinctShapesMin = 2    // different photo shapes among the first 30 tiles
)

// TestBrowser drives the pages in headless Chromium through the real login dance: browse a new
// user (progress page, then the photos once a screen's worth is ready), log in on the
// simulator's authorize page, and use the grid as the owner while a refresh runs: justified
// rows of photos in their own shapes, fave, dismiss, "N new photos", the lightbox with the
// keyboard and Back, the taste page, a phone, and a visitor without JavaScript. Layout shift is
// measured with the Layout Instability API throughout. Screenshots go to $PHOTOREC_ARTIFACTS.
func TestBrowser(t *testing.T) {
	b := newTab(t)
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
	defer b.checkConsole()
	nsid := e.heavyUser(t)
	u, _ := e.world.User(nsid)
	userPath := "/u/" + url.PathEscape(nsid)
	script := func(p runs.Progress) {
		e.pipe.mu.Lock()
		e.pipe.script = []runs.Progress{p}
		e.pipe.calls = 0
		e.pipe.mu.Unlock()
	}
	count := func(sel string) int { return eval[int](b, `document.querySelectorAll('`+sel+`').length`) }
	shifts := func(what string, mark int) float64 {
		t.Helper()
		cls := eval[float64](b, uiprobe.CLS(mark))
		total := eval[float64](b, uiprobe.ShiftTotal(mark))
		t.Logf("layout shift %s: CLS %.4f (all shifts without input: %.4f)", what, cls, total)
		if total > maxLayoutShift {
			t.Errorf("layout shift %s: %.4f, want <= %v:\n%s", what, total, maxLayoutShift, eval[string](b, uiprobe.Shifts(mark)))
		}
		return cls
	}

	// Welcome, then browse a user nobody pulled yet: the progress page follows the run.
	script(runs.Progress{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 3, Failed: 1, Changed: 1})
	b.step("welcome", chromedp.Navigate(site+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-button"]`)))
	b.shot("welcome")
	b.step("welcome dark", colorScheme("dark"))
	b.shot("welcome-dark")
	b.step("browse",
		colorScheme("light"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="browse-input"]`), u.Username),
		chromedp.Click(chromedp.CSS(`[data-testid="browse-submit"]`)),
		b.waitFor(`document.querySelector('#progress-bar') && document.querySelector('#progress-bar').value > 0.3`),
		b.waitFor(`!document.querySelector('[data-testid="progress-failed"]').hidden`))
	if text := eval[string](b, `document.querySelector('[data-testid="progress-text"]').textContent`); !strings.Contains(text, "of 10 people") {
		t.Errorf("progress says %q, want plain words like \"Read the faves of 4 of 10 people so far\"", text)
	}
	b.shot("progress")

	// The member's own pull lands while the run goes on: once the photos fill a screen, the page
	// loads again with them, long before the run is done, and keeps following it.
	e.seedUser(t, nsid)
	e.iconsFromFlickr(t, nsid)
	script(runs.Progress{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 5, Failed: 1, Changed: 2})
	b.step("photos while the run goes on",
		b.waitFor(`document.querySelector('#user-page').dataset.mode === "recommendations" && document.querySelector('#user-page').dataset.running === "true"`),
		b.waitFor(`document.querySelector('#photo-grid').classList.contains("is-laid-out")`),
		b.waitFor(`!document.querySelector('[data-testid="status"]').hidden`),
		b.imagesLoaded())
	if n := count(`[data-testid="person-item"]`); n == 0 {
		t.Errorf("no people to follow on the page")
	}
	b.shot("recommendations-visitor")

	// Log in on the simulator's authorize page and come back as the owner; the refresh runs on.
	b.step("login",
		chromedp.Click(chromedp.CSS(`[data-testid="nav-login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-as`)),
		chromedp.SendKeys(chromedp.CSS(`#login-as`), nsid),
		chromedp.Click(chromedp.CSS(`#authorize`)),
		b.waitFor(`location.pathname === "`+userPath+`" || location.pathname === "/u/`+nsid+`"`),
		b.waitFor(`document.querySelector('#user-page').dataset.owner === "true"`),
		b.waitFor(`document.querySelector('#photo-grid').classList.contains("is-laid-out")`),
		b.imagesLoaded())
	loadMark := 0 // everything since this document started
	b.shot("recommendations-owner")

	// Photo-first: justified rows of photos in their own shapes, a screenful of them, none
	// shown larger than its image file, each with its why.
	if n := eval[int](b, uiprobe.PhotosInView); n < minPhotosDesktop {
		t.Errorf("%d photos at least half in view on a 1366x900 screen, want >= %d", n, minPhotosDesktop)
	} else {
		t.Logf("photos in the first 1366x900 screen: %d", n)
	}
	checkShapes(t, eval[[]tileShape](b, uiprobe.Shapes(30)), true)
	if up := eval[string](b, uiprobe.Upscaled); up != "" {
		t.Errorf("photos shown larger than their image file:\n%s", up)
	}
	shown := count(`[data-testid="photo-item"]:not([hidden])`)
	if withWhy := eval[int](b, `Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([hidden]) [data-testid="why"]')).filter(w => w.textContent.trim().length > 10).length`); withWhy != shown || shown == 0 {
		t.Errorf("%d of %d photos say why they are there", withWhy, shown)
	}
	for _, bad := range []string{"score", "rp3beta", "itemknn", "hybrid", "blend", "algorithm", "favorite list", "nsid", "pulled"} {
		if eval[bool](b, `document.body.innerText.toLowerCase().includes(`+jsQuote(strings.ToLower(bad))+`)`) {
			t.Errorf("the page shows the developer word %q", bad)
		}
	}

	// Hovering a photo shows its title, owner, why and actions; so does keyboard focus.
	first := eval[string](b, `document.querySelector('[data-testid="photo-item"]').dataset.photoId`)
	sel := func(id, inner string) string { return `[data-photo-id="` + id + `"] ` + inner }
	b.step("hover", hover(sel(first, `.tile-link`)),
		b.waitFor(`getComputedStyle(document.querySelector('`+sel(first, `.tile-info`)+`')).opacity === "1"`))
	b.shot("hover")
	second := eval[string](b, `document.querySelectorAll('[data-testid="photo-item"]')[1].dataset.photoId`)
	b.step("focus", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1), chromedp.Focus(chromedp.CSS(sel(second, `.tile-link`))),
		b.waitFor(`getComputedStyle(document.querySelector('`+sel(second, `.tile-actions`)+`')).opacity === "1" && getComputedStyle(document.querySelector('`+sel(second, `.tile-info`)+`')).opacity === "1"`))

	// A fave: the button turns pressed, nothing moves, and the photos the fave brings wait
	// behind the pill.
	box := func(id string) string {
		return eval[string](b, `(() => { const r = document.querySelector('[data-photo-id="`+id+`"]').getBoundingClientRect(); return [r.x, r.y + scrollY, r.width, r.height].map(Math.round).join(","); })()`)
	}
	before := box(first)
	mark := eval[int](b, uiprobe.ShiftCount)
	b.step("fave",
		hover(sel(first, `.tile-link`)),
		chromedp.Click(chromedp.CSS(sel(first, `[data-testid="fave-button"]`))),
		b.waitFor(`document.querySelector('`+sel(first, `[data-testid="fave-button"]`)+`').getAttribute('aria-pressed') === "true"`),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		b.waitFor(`!document.querySelector('[data-testid="new-pill"]').hidden`),
		b.imagesLoaded())
	if !favedOnFlickr(e, nsid, first) {
		t.Fatalf("the fave button showed success but photo %s is not faved on the simulator", first)
	}
	if after := box(first); after != before {
		t.Errorf("the faved photo moved from %s to %s", before, after)
	}
	if n := count(`[data-arrived]`); n != 0 {
		t.Errorf("%d photos arrived in the grid by themselves after a fave, want them behind the pill", n)
	}
	pillText := eval[string](b, `document.querySelector('[data-testid="new-pill"]').textContent`)
	if !regexp.MustCompile(`^↑ \d+ new photos?$`).MatchString(pillText) {
		t.Errorf("pill says %q, want \"↑ N new photos\"", pillText)
	}
	clsFave := shifts("after a fave", mark)
	b.shot("faved-pill")

	// A refresh lands a photo: the pill counts it, the grid stays as it is.
	e.addFreshPhoto(t, nsid, "99999000002")
	script(runs.Progress{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 7, Failed: 1, Changed: 10})
	mark = eval[int](b, uiprobe.ShiftCount)
	b.step("a refresh brings a photo",
		b.waitFor(`window.notReloaded === true && document.querySelector('[data-testid="new-pill"]').textContent !== `+jsQuote(pillText)),
		chromedp.Sleep(300*time.Millisecond))
	if n := count(`[data-photo-id="99999000002"]`); n != 0 {
		t.Errorf("the new photo is in the grid before the pill was pressed")
	}
	clsPull := shifts("while the refresh runs", mark)

	// Taking them in: they come first, in rows of their own; the photos already shown keep
	// their rows (only moved down together).
	rows := func() map[string]string {
		return eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([data-arrived])')).filter(li => !li.hidden).map(li => [li.dataset.photoId, [li.offsetLeft, li.offsetWidth, li.offsetHeight].join(",")]))`)
	}
	rowsBefore := rows()
	b.step("take the new photos in",
		chromedp.Click(chromedp.CSS(`[data-testid="new-pill"]`)),
		b.waitFor(`document.querySelector('[data-testid="new-pill"]').hidden && document.querySelector('[data-photo-id="99999000002"][data-arrived="true"]') !== null`),
		b.waitFor(`Math.abs(document.querySelector('#photos-title').getBoundingClientRect().top - 72) < 40`),
		b.imagesLoaded())
	if got := eval[string](b, `document.querySelector('[data-testid="photo-item"]').dataset.arrived || ""`); got != "true" {
		t.Errorf("the first photo of the grid is not one that just arrived")
	}
	if got := eval[bool](b, `document.activeElement.closest('[data-arrived="true"]') !== null`); !got {
		t.Errorf("keyboard focus is not on the photos that just arrived")
	}
	for id, r := range rows() {
		if want, ok := rowsBefore[id]; ok && want != r {
			t.Errorf("photo %s changed its place in its row (x,width,height) from %s to %s when new photos came in", id, want, r)
		}
	}
	b.shot("new-photos-in")

	// When the ranking moved a lot (half a page or more waits), taking the photos in shows the
	// new first page instead of piling them above the old one.
	for i := range 20 {
		e.addFreshPhoto(t, nsid, fmt.Sprintf("999990001%02d", i))
	}
	script(runs.Progress{RunID: "r1", State: runs.StateRunning, Made: 10, Done: 8, Failed: 1, Changed: 20})
	b.step("many new photos",
		b.waitFor(`!document.querySelector('[data-testid="new-pill"]').hidden && parseInt(document.querySelector('[data-testid="new-pill"]').textContent.slice(2), 10) >= 18`),
		chromedp.Click(chromedp.CSS(`[data-testid="new-pill"]`)),
		b.waitFor(`document.querySelector('[data-testid="new-pill"]').hidden && document.querySelectorAll('[data-photo-id^="999990001"]').length >= 18`),
		b.imagesLoaded())
	if n := count(`[data-arrived]`); n != 0 {
		t.Errorf("after taking in a new first page, %d photos are marked as just arrived", n)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="photo-item"]').dataset.photoId`); !strings.HasPrefix(got, "9999900") {
		t.Errorf("the new first page starts with photo %s, want one of the new photos", got)
	}
	if n := count(`[data-photo-id="99999000002"]`); n != 1 {
		t.Errorf("the new first page shows the photo of the earlier pill %d times", n)
	}
	script(runs.Progress{RunID: "r1", State: runs.StateComplete, Made: 10, Done: 9, Failed: 1, Changed: 20})
	b.step("run done", b.waitFor(`document.querySelector('[data-testid="status"]').textContent.startsWith("Done. Flickr did not answer for 1 person")`))

	// Dismiss with the keyboard: the photo stays in its place, greyed out, with Undo.
	third := eval[string](b, `Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([data-arrived])')).filter(li => !li.hidden)[2].dataset.photoId`)
	before = box(third)
	mark = eval[int](b, uiprobe.ShiftCount)
	b.step("dismiss with the keyboard",
		chromedp.Focus(chromedp.CSS(sel(third, `[data-testid="dismiss-button"]`))),
		chromedp.KeyEvent("\r"),
		b.waitFor(`document.querySelector('[data-photo-id="`+third+`"]').classList.contains("dismissed")`),
		b.waitFor(`document.activeElement === document.querySelector('`+sel(third, `[data-testid="undo-dismiss"]`)+`')`),
		chromedp.Sleep(1500*time.Millisecond))
	if after := box(third); after != before {
		t.Errorf("the dismissed photo moved from %s to %s", before, after)
	}
	shifts("after a dismiss", mark)
	var p photoPageJSON
	e.client(t).get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=500").decode(t, &p)
	for _, it := range p.Items {
		if it.Photo.ID == third {
			t.Fatalf("photo %s dismissed with the keyboard is still recommended", third)
		}
	}
	b.shot("dismissed")
	t.Logf("CLS after a fave %.4f, while a refresh runs %.4f, since the page loaded %.4f", clsFave, clsPull, eval[float64](b, uiprobe.CLS(loadMark)))

	// The lightbox: the photo large, its why, more like this; arrows, Tab stays inside, Esc
	// closes and gives focus back; its own URL, so Back closes it too.
	open := eval[string](b, `Array.from(document.querySelectorAll('[data-testid="photo-item"]:not(.dismissed)')).filter(li => !li.hidden)[3].dataset.photoId`)
	b.step("open the lightbox",
		chromedp.Focus(chromedp.CSS(sel(open, `.tile-link`))),
		chromedp.KeyEvent("\r"),
		b.waitFor(`document.querySelector('[data-testid="lightbox"]').open`),
		b.waitFor(`new URLSearchParams(location.search).get("photo") === "`+open+`"`),
		b.waitFor(`document.querySelectorAll('[data-testid="more-like-this"] img').length > 0`),
		b.waitFor(`document.querySelectorAll('#lb-common .thumbs img').length > 0`),
		b.imagesLoaded())
	if got := eval[string](b, `document.querySelector('[data-testid="lightbox-title"]').textContent`); got == "" {
		t.Errorf("the lightbox has no title")
	}
	if got := eval[string](b, `document.querySelector('[data-testid="lightbox-why"]').textContent`); !strings.Contains(got, "Faved by") && !strings.Contains(got, "You faved") {
		t.Errorf("the lightbox's why says %q", got)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="lightbox-flickr"]').href`); !strings.Contains(got, "/"+open+"/") {
		t.Errorf("the lightbox's Flickr link is %q", got)
	}
	if got := eval[string](b, `document.querySelector('#lb-more-grid span, [data-testid="more-like-this"] span').textContent`); !strings.Contains(got, "who faved this one") {
		t.Errorf("\"more like this\" explains its first photo as %q", got)
	}
	if w := eval[float64](b, `document.querySelector('[data-testid="lightbox-img"]').getBoundingClientRect().width`); w < 400 {
		t.Errorf("the lightbox shows the photo %vpx wide, want it large", w)
	}
	b.shot("lightbox")
	b.step("arrow right", chromedp.KeyEvent(kb.ArrowRight), b.waitFor(`new URLSearchParams(location.search).get("photo") !== "`+open+`"`))
	next := eval[string](b, `new URLSearchParams(location.search).get("photo")`)
	for i := range 25 {
		b.step("tab", chromedp.KeyEvent("\t"))
		if !eval[bool](b, `document.querySelector('[data-testid="lightbox"]').contains(document.activeElement)`) {
			t.Fatalf("after %d Tabs focus left the lightbox for %s", i+1, eval[string](b, `document.activeElement.outerHTML.slice(0, 120)`))
		}
	}
	b.step("arrow left", chromedp.Focus(chromedp.CSS(`#lb-close`)), chromedp.KeyEvent(kb.ArrowLeft), b.waitFor(`new URLSearchParams(location.search).get("photo") === "`+open+`"`))
	b.step("escape",
		chromedp.KeyEvent(kb.Escape),
		b.waitFor(`!document.querySelector('[data-testid="lightbox"]').open && !new URLSearchParams(location.search).has("photo")`))
	if got := eval[bool](b, `document.activeElement === document.querySelector('`+sel(open, `.tile-link`)+`')`); !got {
		t.Errorf("after Esc, focus is on %s, want the photo that opened the lightbox", eval[string](b, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	b.step("open with a click, close with Back",
		chromedp.Click(chromedp.CSS(sel(next, `.tile-link`))),
		b.waitFor(`document.querySelector('[data-testid="lightbox"]').open`),
		back,
		b.waitFor(`!document.querySelector('[data-testid="lightbox"]').open && !new URLSearchParams(location.search).has("photo") && location.pathname === "`+userPath+`"`))
	b.step("a link to a photo opens it",
		chromedp.Navigate(site+userPath+"?photo="+next),
		b.waitFor(`document.querySelector('[data-testid="lightbox"]').open && document.querySelector('[data-testid="lightbox-title"]').textContent !== ""`),
		b.imagesLoaded())
	b.step("dark lightbox", colorScheme("dark"), b.imagesLoaded())
	b.shot("lightbox-dark")
	b.step("close", colorScheme("light"), chromedp.Click(chromedp.CSS(`[data-testid="lightbox-close"]`)), b.waitFor(`!document.querySelector('[data-testid="lightbox"]').open`))

	// People: each with photos, shared faves, a link to follow them on Flickr, in the order of
	// the number shown.
	commons := eval[[]int](b, `Array.from(document.querySelectorAll('[data-testid="person-common"]')).map(e => parseInt(e.textContent, 10) || 0)`)
	for i := 1; i < len(commons); i++ {
		if commons[i] > commons[i-1] {
			t.Errorf("people are not in the order of the faves in common they show: %v", commons)
			break
		}
	}
	if n := count(`[data-testid="person-item"] .person-photos img`); n < 3*count(`[data-testid="person-item"]`)/2 {
		t.Errorf("%d photos for %d people to follow", n, count(`[data-testid="person-item"]`))
	}
	if n := count(`[data-testid="person-item"]:not(:has(.person-photos img))`); n != 0 {
		t.Errorf("%d people to follow show no photo", n)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="follow-link"]').textContent`); !strings.Contains(got, "no follow call") {
		t.Errorf("the follow link says %q, want it to say Flickr's API has no follow call", got)
	}
	// One link rule, said on the page: a name opens the photostream on Flickr; the app's page
	// of someone's recommendations is only ever the explicit "Their recommendations".
	if got := eval[string](b, `document.querySelector('[data-testid="link-rule"]').textContent`); !strings.Contains(got, "photostream on Flickr") {
		t.Errorf("the people section states the link rule as %q", got)
	}
	if bad := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="owner-link"], [data-testid="person-name"], [data-testid="lightbox-owner"][href]')).filter(a => { const p = a.closest('[data-testid="person-item"]'); return a.origin === location.origin || !a.pathname.includes(p ? p.dataset.nsid : "@"); }).map(a => a.textContent + " -> " + a.href)`); len(bad) > 0 {
		t.Errorf("names that do not open a photostream on Flickr: %q", bad)
	}
	if bad := eval[[]string](b, `Array.from(document.querySelectorAll('main a[href]')).filter(a => a.origin === location.origin && a.pathname.startsWith("/u/") && !a.closest('.profile, .notice') && a.textContent.trim() !== "Their recommendations").map(a => a.textContent.trim() + " -> " + a.pathname)`); len(bad) > 0 {
		t.Errorf("links into someone's recommendations that do not say so: %q", bad)
	}
	b.step("people", chromedp.Click(chromedp.CSS(`[data-testid="skip-to-people"]`)), b.imagesLoaded())
	b.shot("people")

	// The ranking menu: labels for people, and it switches in place.
	labels := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="algorithm-select"] option')).map(o => o.textContent)`)
	var want []string
	for _, a := range graph.AlgorithmList {
		want = append(want, a.Label)
	}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("ranking menu %q, want the labels %q", labels, want)
	}
	b.step("switch to most popular",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); window.topBefore = Array.from(document.querySelectorAll('[data-testid="photo-item"]')).slice(0, 8).map(e => e.dataset.photoId).join();
			const s = document.querySelector('[data-testid="algorithm-select"]'); s.value = "popularity"; s.dispatchEvent(new Event("change"));`),
		b.waitFor(`document.querySelectorAll('[data-testid="photo-item"]').length >= 8 &&
			Array.from(document.querySelectorAll('[data-testid="photo-item"]')).slice(0, 8).map(e => e.dataset.photoId).join() !== window.topBefore`),
		b.waitFor(`new URLSearchParams(location.search).get("algorithm") === "popularity"`))

	// The taste page: nothing in the picture leaves the page.
	b.step("taste",
		chromedp.Navigate(site+userPath+"/taste"),
		b.waitFor(`document.querySelectorAll('[data-testid="taste-node"]').length > 0`),
		chromedp.Click(chromedp.CSS(`[data-testid="taste-node"]:nth-of-type(2)`)),
		b.waitFor(`!document.querySelector('#taste-detail-links').hidden && document.querySelectorAll('#taste-detail-photos img').length > 0`),
		b.imagesLoaded())
	if got := eval[string](b, `location.pathname`); got != userPath+"/taste" {
		t.Errorf("clicking a person in the taste picture went to %s", got)
	}
	b.shot("taste")

	// A phone: a screenful of photos, actions reachable by touch, the lightbox, the taste list.
	b.step("phone",
		phone,
		chromedp.Navigate(site+userPath),
		b.waitFor(`document.querySelector('#photo-grid').classList.contains("is-laid-out")`),
		b.imagesLoaded())
	if n := eval[int](b, uiprobe.PhotosInView); n < minPhotosPhone {
		t.Errorf("%d photos at least half in view on a 390x844 phone, want >= %d", n, minPhotosPhone)
	} else {
		t.Logf("photos in the first 390x844 screen: %d", n)
	}
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390px phone the page is %dpx wide", w)
	}
	if !eval[bool](b, `matchMedia("(hover: none)").matches`) {
		t.Fatal("the phone emulation has hover")
	}
	if n := eval[int](b, `Array.from(document.querySelectorAll('[data-testid="photo-item"]:not([hidden]) [data-testid="fave-button"]')).filter(x => getComputedStyle(x.parentElement).opacity !== "1").length`); n != 0 {
		t.Errorf("%d photos hide their actions on a touch screen", n)
	}
	if up := eval[string](b, uiprobe.Upscaled); up != "" {
		t.Errorf("on a phone, photos shown larger than their image file:\n%s", up)
	}
	checkTargets(t, b, `[data-testid="photo-item"]:not([hidden]) .icon-btn, .profile a, .profile button, select`)
	b.shot("recommendations-phone")
	phoneFirst := eval[string](b, `document.querySelector('[data-testid="photo-item"]').dataset.photoId`)
	b.step("phone lightbox",
		chromedp.Click(chromedp.CSS(sel(phoneFirst, `.tile-link`))),
		b.waitFor(`document.querySelector('[data-testid="lightbox"]').open`),
		b.imagesLoaded())
	b.shot("lightbox-phone")
	b.step("swipe", swipe(300, 100), b.waitFor(`new URLSearchParams(location.search).get("photo") !== "`+phoneFirst+`"`))
	b.step("phone back", back, b.waitFor(`!document.querySelector('[data-testid="lightbox"]').open`))
	b.step("phone taste",
		chromedp.Navigate(site+userPath+"/taste"),
		b.waitFor(`document.querySelectorAll('[data-testid="taste-item"]').length > 0`),
		b.imagesLoaded())
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390px phone the taste page is %dpx wide", w)
	}
	checkTargets(t, b, `[data-testid="taste-item"] a`)
	if fs := eval[float64](b, `Math.min(...Array.from(document.querySelectorAll('[data-testid="taste-item"] *')).filter(e => e.childNodes.length && Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())).map(e => parseFloat(getComputedStyle(e).fontSize)))`); fs < 12 {
		t.Errorf("the taste list's smallest text is %vpx on a phone", fs)
	}
	b.shot("taste-phone")

	// Without JavaScript: the first page of photos and people, each photo with its why, and a
	// note that live updates need scripts.
	b.step("no scripts",
		desktop,
		scripts(false),
		chromedp.Navigate(site+userPath),
		b.waitFor(`document.readyState === "complete"`),
		b.imagesLoaded())
	if n := count(`[data-testid="photo-item"]`); n != firstPagePhotos {
		t.Errorf("without scripts the page shows %d photos, want the first page of %d", n, firstPagePhotos)
	}
	if n := eval[int](b, `Array.from(document.querySelectorAll('[data-testid="photo-item"]')).filter(li => getComputedStyle(li).visibility === "visible" && li.querySelector('[data-testid="why"]').textContent.trim() !== "").length`); n != firstPagePhotos {
		t.Errorf("without scripts %d of %d photos are visible with their why", n, firstPagePhotos)
	}
	if n := count(`[data-testid="person-item"]`); n == 0 {
		t.Errorf("without scripts there are no people to follow")
	}
	if !eval[bool](b, `Array.from(document.querySelectorAll('[data-testid="noscript-note"]')).some(n => n.getBoundingClientRect().height > 0)`) {
		t.Errorf("without scripts no note says that live updates need them")
	}
	b.shot("no-javascript")
	b.step("scripts again", scripts(true))

	// A page that does not exist.
	b.expect(site + "/u/nobody@N00")
	b.step("404", chromedp.Navigate(site+"/u/nobody@N00"), b.waitFor(`document.querySelector('[data-testid="error-page"]') !== null`))
	if got := eval[string](b, `document.querySelector('[data-testid="error-message"]').textContent`); got == "not found" || len(got) < 30 {
		t.Errorf("the 404 page says %q", got)
	}
	b.shot("not-found")

	// A user with too few faves gets popular photos to start with.
	ns, err := e.g.Neighbors(context.Background(), nsid, graph.ByScore, graph.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	neighbor := map[string]bool{}
	for _, n := range ns {
		neighbor[n.User.NSID] = true
	}
	var light string
	for _, lu := range e.world.Users() {
		// Not one of the heavy user's neighbors: they all faved the fresh photos.
		if n := len(e.world.FavesOf(lu.NSID)); !lu.Deleted && n > 0 && n < minFavesForRecs && !neighbor[lu.NSID] {
			light = lu.NSID
			break
		}
	}
	e.storeFaves(t, light, e.clock.Now())
	if err := e.g.FinishPull(context.Background(), graph.PullDone{User: light, PullID: "seed-" + light, Kind: graph.PullFull, At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if light == "" {
		t.Fatal("the world has no member with a few faves")
	}
	b.step("getting started",
		chromedp.Navigate(site+"/u/"+url.PathEscape(light)),
		b.waitFor(`document.querySelector('#photo-grid').classList.contains("is-laid-out")`),
		b.imagesLoaded())
	if mode := eval[string](b, `document.querySelector('#user-page').dataset.mode`); mode != "getting-started" {
		t.Errorf("a member with fewer than %d faves gets a page in mode %q, want getting-started", minFavesForRecs, mode)
	}
	b.shot("getting-started")

	b.step("logout",
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		b.waitFor(`location.pathname === "/" && document.querySelector('[data-testid="login-button"]') !== null`))
	if _, err := e.g.Token(context.Background(), nsid); err == nil {
		t.Fatal("token still stored after logout")
	}
}

// hover moves the mouse over the middle of the first element matching sel (scrolled into view).
func hover(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		xy, err := chromedp.Evaluate[[]float64](`(() => { const e = document.querySelector(`+jsQuote(sel)+`); e.scrollIntoView({block: "nearest"}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)(ctx, tg)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1])(ctx, tg)
	}
}

// tileShape is one tile of uiprobe.Shapes.
type tileShape struct {
	ID    string  `json:"id"`
	Tile  float64 `json:"tile"`
	Photo float64 `json:"photo"`
}

// checkShapes holds tiles to their photos' shapes; with distinct, there must be more than one
// shape among them.
func checkShapes(t *testing.T, shapes []tileShape, distinct bool) {
	t.Helper()
	if len(shapes) == 0 {
		t.Fatal("no photo shown")
	}
	seen := map[string]bool{}
	for _, s := range shapes {
		if s.Photo == 0 {
			t.Errorf("photo %s: its size is unknown, so its tile cannot keep its shape", s.ID)
			continue
		}
		if math.Abs(s.Tile/s.Photo-1) > shapeTolerance {
			t.Errorf("photo %s is %.3f wide per unit high, its tile %.3f", s.ID, s.Photo, s.Tile)
		}
		seen[fmt.Sprintf("%.2f", s.Photo)] = true
	}
	if distinct && len(seen) < distinctShapesMin {
		t.Errorf("the first %d photos have %d distinct shapes (%v), want >= %d", len(shapes), len(seen), seen, distinctShapesMin)
	}
}

// checkTargets holds every element matching sel that is shown to a touch target of at least
// minTouchTarget px both ways.
func checkTargets(t *testing.T, b *tab, sel string) {
	t.Helper()
	small := eval[[]string](b, `Array.from(document.querySelectorAll('`+sel+`')).filter(e => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && (r.width < `+fmt.Sprint(minTouchTarget)+` || r.height < `+fmt.Sprint(minTouchTarget)+`);
	}).map(e => e.outerHTML.slice(0, 80) + " " + Math.round(e.getBoundingClientRect().width) + "x" + Math.round(e.getBoundingClientRect().height))`)
	for _, s := range small {
		t.Errorf("touch target smaller than %dpx: %s", minTouchTarget, s)
	}
}

// swipe drags a finger across the middle of the screen from x0 to x1.
func swipe(x0, x1 float64) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const stage = document.querySelector('#lb-stage');
		const r = stage.getBoundingClientRect(), y = r.top + r.height / 2;
		const touch = (x) => new Touch({ identifier: 1, target: stage, clientX: x, clientY: y });
		stage.dispatchEvent(new TouchEvent("touchstart", { touches: [touch(%v)], changedTouches: [touch(%v)], bubbles: true }));
		stage.dispatchEvent(new TouchEvent("touchend", { touches: [], changedTouches: [touch(%v)], bubbles: true }));
	})()`, x0, x0, x1))
}

// jsQuote quotes s as a JavaScript string literal.
func jsQuote(s string) string { return fmt.Sprintf("%q", s) }

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
	img := e.sim.URL + "/img/" + p.Server + "/" + p.ID + "_" + p.Secret
	fresh := graph.Photo{ID: id, Owner: ns[1].User.NSID, Title: "Fresh light", Server: p.Server, Secret: p.Secret,
		ThumbURL: img + "_q.jpg", ImageURL: img + "_b.jpg", Width: p.Width, Height: p.Height}
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
