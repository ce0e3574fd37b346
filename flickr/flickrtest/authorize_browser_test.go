package flickrtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/dghubble/oauth1"
)

// browser starts a headless Chromium for one test; it skips locally without one and fails in CI.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found and CI is set")
		}
		t.Skip("chromium not found")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Do starts the browser and must not carry a timeout (it would bound the browser's life).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// TestAuthorizePageInBrowser drives the authorize page as a person would: with a click on a listed
// user, with the keyboard only (type a username, press Enter), and with Cancel.
func TestAuthorizePageInBrowser(t *testing.T) {
	ctx := browser(t)
	w := TinyWorld(51)
	s := Start(t, w, Options{})
	app := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte(`<!doctype html><p id="done">callback reached</p>`))
	}))
	t.Cleanup(app.Close)
	cfg := oauthConfig(s, app.URL+"/callback")

	// login follows the callback URL the browser landed on through the access-token step and
	// returns who test.login says is logged in.
	login := func(t *testing.T, reqSec, landed string) string {
		t.Helper()
		u, err := url.Parse(landed)
		if err != nil || u.Path != "/callback" {
			t.Fatalf("browser landed on %q, want the app callback", landed)
		}
		tok, sec, err := cfg.AccessToken(u.Query().Get("oauth_token"), reqSec, u.Query().Get("oauth_verifier"))
		if err != nil {
			t.Fatalf("AccessToken: %v", err)
		}
		m := signedGet(t, s, cfg.Client(context.Background(), oauth1.NewToken(tok, sec)), "flickr.test.login").json(t)
		return path(t, m, "user", "id").(string)
	}

	// begin gets a request token for one subtest and returns a browser context bounded to 30 s
	// (cancelled at the subtest's cleanup), the authorize URL and the request token's secret.
	begin := func(t *testing.T) (context.Context, string, string) {
		t.Helper()
		reqTok, reqSec, err := cfg.RequestToken()
		if err != nil {
			t.Fatal(err)
		}
		authURL, _ := cfg.AuthorizationURL(reqTok)
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t.Cleanup(cancel)
		return tctx, authURL.String(), reqSec
	}

	// location returns the URL the browser is on.
	location := func(tctx context.Context, t *testing.T) string {
		t.Helper()
		landed, err := chromedp.Run(tctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return landed
	}

	t.Run("click a listed user", func(t *testing.T) {
		tctx, authURL, reqSec := begin(t)
		if err := chromedp.Do(tctx, chromedp.Navigate(authURL)); err != nil {
			t.Fatalf("navigate: %v", err)
		}
		nsid, err := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.ID("pick-0"), "data-nsid"))
		if err != nil || !nsid.Exists {
			t.Fatalf("#pick-0 data-nsid: %v %v", nsid, err)
		}
		if err := chromedp.Do(tctx, chromedp.Click(chromedp.ID("pick-0")), chromedp.WaitVisible(chromedp.ID("done"))); err != nil {
			t.Fatalf("click: %v", err)
		}
		landed := location(tctx, t)
		if got := login(t, reqSec, landed); got != nsid.Value {
			t.Errorf("logged in as %s, clicked %s", got, nsid.Value)
		}
	})

	t.Run("keyboard only", func(t *testing.T) {
		me := w.Users()[7]
		tctx, authURL, reqSec := begin(t)
		err := chromedp.Do(tctx,
			chromedp.Navigate(authURL),
			chromedp.WaitVisible(chromedp.ID("login-as")),
			chromedp.SendKeys(chromedp.ID("login-as"), me.Username+kb.Enter),
			chromedp.WaitVisible(chromedp.ID("done")),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		landed := location(tctx, t)
		if got := login(t, reqSec, landed); got != me.NSID {
			t.Errorf("logged in as %s, typed %s (%s)", got, me.Username, me.NSID)
		}
	})

	t.Run("cancel goes home", func(t *testing.T) {
		tctx, authURL, _ := begin(t)
		err := chromedp.Do(tctx,
			chromedp.Navigate(authURL),
			chromedp.Click(chromedp.ID("cancel")),
			chromedp.WaitVisible(chromedp.ID("sim-home")),
		)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		landed := location(tctx, t)
		if !strings.HasPrefix(landed, s.URL+"/") || strings.Contains(landed, "callback") {
			t.Errorf("cancel landed on %q, want the simulator home page", landed)
		}
	})
}
