package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/photorec/photorec/internal/testsvc"
	"github.com/photorec/photorec/internal/uiprobe"
)

// tab is one headless Chromium tab driven by a browser test. Every document it opens records
// its layout shifts (uiprobe); every script exception, console error and CSP violation is
// recorded, and checkConsole fails the test on them.
type tab struct {
	t     *testing.T
	ctx   context.Context
	shots string

	mu       sync.Mutex
	problems []string
	expected map[string]bool // URLs whose failure to load is expected (a 404 page opened on purpose)
	stop     context.CancelFunc
	done     chan struct{}
}

// newTab starts Chromium with a fresh profile; it is closed when the test ends. Screenshots go
// to $PHOTOREC_ARTIFACTS (else $PHOTOREC_SCREENSHOTS, else a temporary directory).
func newTab(t *testing.T) *tab {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		testsvc.Missing(t, "chromium")
	}
	shots := os.Getenv("PHOTOREC_ARTIFACTS")
	if shots == "" {
		shots = os.Getenv("PHOTOREC_SCREENSHOTS")
	}
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("lang", "en-US"), chromedp.UserDataDir(t.TempDir()))
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first action starts the browser on the tab's own context.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1366, 900), installLayoutShift); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &tab{t: t, ctx: bctx, shots: shots, done: make(chan struct{})}
	consoleCtx, stop := context.WithCancel(bctx)
	b.stop = stop
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(b.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// Flickr's own hosts (the default buddy icon) do not resolve in tests, and the
			// simulator's authorize page has no favicon: neither is the app's error.
			if !m.IsException() && (strings.HasPrefix(m.URL, "https://www.flickr.com/") || strings.HasSuffix(m.URL, "/favicon.ico")) {
				continue
			}
			b.mu.Lock()
			expected := b.expected[m.URL]
			b.mu.Unlock()
			if expected && !m.IsException() {
				continue
			}
			if m.IsException() || m.Type == "error" || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.problems = append(b.problems, string(m.Type)+": "+m.Text+" at "+m.URL)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// installLayoutShift makes every document the tab opens record its layout shifts.
var installLayoutShift = chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
	_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: uiprobe.InstallLayoutShift})
	return err
})

// expect marks a URL whose failure to load is no problem (a page opened for its 404).
func (b *tab) expect(url string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expected == nil {
		b.expected = map[string]bool{}
	}
	b.expected[url] = true
}

// checkConsole stops listening and fails the test for every problem the console showed.
func (b *tab) checkConsole() {
	b.t.Helper()
	b.stop()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
}

// step runs actions with a liveness bound: a hung page fails the test (with a screenshot of
// it), it does not time it.
func (b *tab) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(name, " ", "-"))
		b.t.Fatalf("%s: %v", name, err)
	}
}

// waitFor evaluates js until it is true; it survives navigations (an evaluation that fails
// while a page loads is just another try).
func (b *tab) waitFor(js string) chromedp.Action[chromedp.Void] {
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

// imagesLoaded waits until every image in the viewport finished loading.
func (b *tab) imagesLoaded() chromedp.Action[chromedp.Void] {
	return b.waitFor(`document.readyState === "complete" && Array.from(document.images).filter(i => { const r = i.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0 && r.width > 0; }).every(i => i.complete)`)
}

// eval evaluates js (awaiting a promise) and decodes its value.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// shot saves a screenshot of the viewport as <shots>/<name>.png.
func (b *tab) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// colorScheme emulates prefers-color-scheme and lets the colour transitions finish.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Sleep(300*time.Millisecond)(ctx, tg)
	}
}

// scripts turns script execution in the tab off or on (a visitor without JavaScript).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// back is the browser's Back button: it goes to the previous history entry without waiting for
// a page load (a same-document entry loads nothing).
var back = chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
	h, err := cdp.Call(ctx, tg, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return err
	}
	if h.CurrentIndex <= 0 {
		return fmt.Errorf("no history entry before %d", h.CurrentIndex)
	}
	_, err = cdp.Call(ctx, tg, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
	return err
})

// phone emulates a 390x844 phone with touch (no hover), at twice the pixel density.
var phone = chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)

// desktop is a 1366x900 screen with a mouse.
var desktop = chromedp.EmulateViewport(1366, 900)
