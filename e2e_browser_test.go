package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/photorec/photorec/internal/uiprobe"
)

// e2eBrowser is one headless Chromium with a fresh profile, driven by TestE2E. It records every
// script exception, console error and CSP violation; checkConsole fails the test on them.
type e2eBrowser struct {
	t         *testing.T
	ctx       context.Context // the tab
	artifacts string
	deadline  time.Time // the overall bound of the run

	mu       sync.Mutex
	problems []string

	stopConsole context.CancelFunc
	consoleDone chan struct{}
	closeOnce   sync.Once
	closeAll    func()
}

// newE2EBrowser starts Chromium (bin) headless, with the flags the Debian package needs in a
// container and a profile in a fresh temporary directory. It is closed at cleanup. Console
// errors about the resources ignoreURLs (exact URLs) are not problems.
func newE2EBrowser(t *testing.T, bin, artifacts string, ignoreURLs ...string) *e2eBrowser {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()))
	bctx, cancelBrowser := chromedp.NewContext(actx)
	b := &e2eBrowser{t: t, ctx: bctx, artifacts: artifacts, deadline: time.Now().Add(e2eBound), consoleDone: make(chan struct{})}
	b.closeAll = func() { cancelBrowser(); cancelAlloc() }
	t.Cleanup(b.close)
	// The first action starts the browser: it must run on the tab's own context, since canceling
	// the context of that first run closes the browser.
	// Every document it opens records its layout shifts (uiprobe).
	installShifts := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: uiprobe.InstallLayoutShift})
		return err
	})
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1366, 900), installShifts); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	consoleCtx, stop := context.WithCancel(bctx)
	b.stopConsole = stop
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(b.consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if !m.IsException() && slices.Contains(ignoreURLs, m.URL) {
				continue
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.problems = append(b.problems, m.String()+" at "+m.URL)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// checkConsole stops listening to the console and fails the test for every problem it saw.
func (b *e2eBrowser) checkConsole() {
	b.t.Helper()
	b.stopConsole()
	<-b.consoleDone
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
}

// close ends Chromium; it is safe to call more than once.
func (b *e2eBrowser) close() {
	b.closeOnce.Do(b.closeAll)
}

// stepCtx bounds one step by a generous liveness limit, and never past the overall bound.
func (b *e2eBrowser) stepCtx() (context.Context, context.CancelFunc) {
	d := min(90*time.Second, time.Until(b.deadline))
	if d < 10*time.Second {
		d = 10 * time.Second
	}
	return context.WithTimeout(b.ctx, d)
}

// step runs actions; an error (a condition never met within the bound) fails the test, with a
// screenshot of the page as it was.
func (b *e2eBrowser) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.stepCtx()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(name, " ", "-"))
		b.t.Fatalf("%s: %v", name, err)
	}
}

// eval evaluates a JavaScript expression that yields a string.
func (b *e2eBrowser) eval(js string) string {
	b.t.Helper()
	return evalRetry[string](b, js)
}

// evalInt evaluates a JavaScript expression that yields a number.
func (b *e2eBrowser) evalInt(js string) int {
	b.t.Helper()
	return evalRetry[int](b, js)
}

// evalFloat evaluates a JavaScript expression that yields a number, keeping its fraction.
func (b *e2eBrowser) evalFloat(js string) float64 {
	b.t.Helper()
	return evalRetry[float64](b, js)
}

// evalRetry evaluates js (awaiting a promise), trying again while it fails: a page that reloads by itself (the
// first pull finishing) destroys the context an evaluation runs in. It fails the test once the
// step bound is over.
func evalRetry[T any](b *e2eBrowser, js string) T {
	b.t.Helper()
	ctx, cancel := b.stepCtx()
	defer cancel()
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
		if err == nil {
			return v
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("evaluate %s: %v", js, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitFor evaluates js until it is true. It survives navigations: an evaluation that fails while
// a page loads is just another try.
func (b *e2eBrowser) waitFor(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			ok, err := chromedp.Evaluate[bool](js)(ctx, tg)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("waiting for %s: %w (last error: %w)", js, ctx.Err(), err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// imagesLoaded waits until every image in the viewport finished loading (or failed: the page's
// own fallbacks then take over, and a failed load shows in the console).
func (b *e2eBrowser) imagesLoaded() chromedp.Action[chromedp.Void] {
	return b.waitFor(`document.readyState === "complete" && Array.from(document.images).filter(i => { const r = i.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }).every(i => i.complete)`)
}

// shot saves a screenshot of the viewport as <artifacts>/<name>.png.
func (b *e2eBrowser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.artifacts, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// decodeJSON decodes one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(r).Decode(v)
}
