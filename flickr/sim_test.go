package flickr_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/flickr/flickrtest"
)

func simClient(t *testing.T, s *flickrtest.Server, mod func(*flickr.Options)) *flickr.Client {
	t.Helper()
	o := flickr.Options{
		APIKey: flickrtest.DefaultConsumerKey, APISecret: flickrtest.DefaultConsumerSecret,
		APIBase: s.URL + "/services/rest/", OAuthBase: s.URL + "/services/oauth/",
		Limiter: flickr.Unlimited, BaseBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
	}
	if mod != nil {
		mod(&o)
	}
	c, err := flickr.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pickUser returns a live user matching ok, in world order.
func pickUser(t *testing.T, w *flickrtest.World, ok func(flickrtest.User) bool) flickrtest.User {
	t.Helper()
	for _, u := range w.Users() {
		if !u.Deleted && ok(u) {
			return u
		}
	}
	t.Fatal("no user in the world matches")
	return flickrtest.User{}
}

func ids(ps []flickr.Photo) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestSimFavoritesPaging(t *testing.T) {
	w := flickrtest.TinyWorld(1)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	ctx := context.Background()
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 120 })
	want := w.FavesOf(u.NSID)

	var got []flickr.Photo
	const per = 50
	pages := 0
	for page := 1; ; page++ {
		pg, err := c.PublicFavorites(ctx, u.NSID, flickr.FavoritesQuery{Page: page, PerPage: per})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pg.Total != len(want) || pg.PerPage != per || pg.Page.Page != page {
			t.Errorf("page %d block = %+v, want total %d per %d", page, pg.Page, len(want), per)
		}
		got = append(got, pg.Photos...)
		if page >= pg.Pages {
			break
		}
	}
	if wantPages := (len(want) + per - 1) / per; pages != wantPages {
		t.Errorf("pages = %d, want %d", pages, wantPages)
	}
	var wantIDs []string
	for _, f := range want {
		wantIDs = append(wantIDs, f.PhotoID)
	}
	if diff := cmp.Diff(wantIDs, ids(got)); diff != "" {
		t.Errorf("photo ids (-want +got):\n%s", diff)
	}
	for i, p := range got {
		f := want[i]
		if p.Owner != f.Owner || !p.FavedAt.Equal(f.FavedAt) || p.Thumb.URL == "" || p.Medium.URL == "" || p.OwnerName == "" {
			t.Errorf("photo %d = %+v, want owner %s faved %v and image urls", i, p, f.Owner, f.FavedAt)
			break
		}
	}

	all, calls, err := c.AllPublicFavorites(ctx, u.NSID, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantIDs, ids(all)); diff != "" {
		t.Errorf("AllPublicFavorites ids (-want +got):\n%s", diff)
	}
	if wantCalls := (len(want) + 499) / 500; calls != wantCalls {
		t.Errorf("AllPublicFavorites calls = %d, want %d", calls, wantCalls)
	}
	capped, _, err := c.AllPublicFavorites(ctx, u.NSID, time.Time{}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantIDs[:7], ids(capped)); diff != "" {
		t.Errorf("capped ids (-want +got):\n%s", diff)
	}
}

func TestSimIncrementalPull(t *testing.T) {
	w := flickrtest.TinyWorld(2)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 40 })
	faves := w.FavesOf(u.NSID)
	cut := faves[20].FavedAt
	var want []string
	for _, f := range faves {
		if !f.FavedAt.Before(cut) {
			want = append(want, f.PhotoID)
		}
	}
	got, _, err := c.AllPublicFavorites(context.Background(), u.NSID, cut, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("faves since %v (-want +got):\n%s", cut, diff)
	}
	if len(got) >= len(faves) {
		t.Errorf("incremental pull returned %d of %d faves: min_fave_date ignored", len(got), len(faves))
	}
}

func TestSimQuirks(t *testing.T) {
	w := flickrtest.TinyWorld(3)
	s := flickrtest.Start(t, w, flickrtest.Options{Quirks: flickrtest.Quirks{StringPaging: true, MissingLarge: true, ShortPages: true}})
	c := simClient(t, s, nil)
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 300 })
	want := map[string]bool{}
	for _, f := range w.FavesOf(u.NSID) {
		want[f.PhotoID] = true
	}
	var got []flickr.Photo
	const per = 40
	wantPages := (len(want) + per - 1) / per
	for page := 1; ; page++ {
		pg, err := c.PublicFavorites(context.Background(), u.NSID, flickr.FavoritesQuery{Page: page, PerPage: per})
		if err != nil {
			t.Fatal(err)
		}
		if pg.Pages != wantPages || pg.Total != len(want) {
			t.Fatalf("string paging decoded as %+v, want pages %d total %d", pg.Page, wantPages, len(want))
		}
		got = append(got, pg.Photos...)
		if page >= pg.Pages {
			break
		}
	}
	noLarge := 0
	for _, p := range got {
		if !want[p.ID] {
			t.Errorf("photo %s is not a favorite", p.ID)
		}
		if p.Large.URL == "" {
			noLarge++
			if p.Medium.URL == "" {
				t.Errorf("photo %s has neither url_l nor url_m", p.ID)
			}
		}
	}
	if noLarge == 0 {
		t.Errorf("no photo without url_l among %d: MissingLarge quirk not exercised", len(got))
	}
	if len(got) >= len(want) {
		t.Errorf("got %d of %d: ShortPages quirk not exercised", len(got), len(want))
	}
	all, calls, err := c.AllPublicFavorites(context.Background(), u.NSID, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if wantCalls := (len(want) + 499) / 500; calls != wantCalls || len(all) == 0 {
		t.Errorf("AllPublicFavorites made %d calls for %d photos, want %d calls (short pages are not the end)", calls, len(all), wantCalls)
	}
}

func TestSimPeopleContactsPhotos(t *testing.T) {
	w := flickrtest.TinyWorld(4)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	ctx := context.Background()
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Uploads > 2 && u.Contacts > 2 && u.PathAlias != "" })

	p, err := c.PersonInfo(ctx, u.NSID)
	if err != nil {
		t.Fatal(err)
	}
	if p.NSID != u.NSID || p.Username != u.Username || p.Realname != u.Realname || p.PathAlias != u.PathAlias || p.IconURL == "" {
		t.Errorf("PersonInfo = %+v, want %+v", p, u)
	}

	cp, err := c.PublicContacts(ctx, u.NSID, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotContacts []string
	for _, ct := range cp.Contacts {
		gotContacts = append(gotContacts, ct.NSID)
	}
	wantContacts := w.ContactsOf(u.NSID)
	slices.Sort(gotContacts)
	slices.Sort(wantContacts)
	if diff := cmp.Diff(wantContacts, gotContacts); diff != "" {
		t.Errorf("contacts (-want +got):\n%s", diff)
	}

	pp, err := c.PublicPhotos(ctx, u.NSID, 1, 500)
	if err != nil {
		t.Fatal(err)
	}
	var wantPhotos []string
	for _, ph := range w.PhotosOf(u.NSID) {
		wantPhotos = append(wantPhotos, ph.ID)
	}
	gotPhotos := ids(pp.Photos)
	slices.Sort(wantPhotos)
	slices.Sort(gotPhotos)
	if diff := cmp.Diff(wantPhotos, gotPhotos); diff != "" {
		t.Errorf("public photos (-want +got):\n%s", diff)
	}
	for _, ph := range pp.Photos {
		if ph.Owner != u.NSID || !ph.FavedAt.IsZero() {
			t.Errorf("photo %+v: want owner %s and no faved date", ph, u.NSID)
		}
	}

	w.DeleteUser(u.NSID)
	for name, call := range map[string]func() error{
		"getInfo":         func() error { _, err := c.PersonInfo(ctx, u.NSID); return err },
		"favorites":       func() error { _, err := c.PublicFavorites(ctx, u.NSID, flickr.FavoritesQuery{}); return err },
		"contacts":        func() error { _, err := c.PublicContacts(ctx, u.NSID, 1, 0); return err },
		"photos":          func() error { _, err := c.PublicPhotos(ctx, u.NSID, 1, 0); return err },
		"unknown getInfo": func() error { _, err := c.PersonInfo(ctx, "1@N01"); return err },
	} {
		if err := call(); !errors.Is(err, flickr.ErrNotFound) {
			t.Errorf("%s of a deleted user: err = %v, want ErrNotFound", name, err)
		}
	}
}

// TestSimDisplaySizes checks the sizes a photostream brings, with and without url_l: the display
// size is the largest served up to 1024 pixels, its suffix matches its size, and its width and
// height are the world photo's, scaled.
func TestSimDisplaySizes(t *testing.T) {
	w := flickrtest.TinyWorld(6)
	s := flickrtest.Start(t, w, flickrtest.Options{Quirks: flickrtest.Quirks{MissingLarge: true}})
	c := simClient(t, s, nil)
	ctx := context.Background()
	suffix := map[int]string{1024: "_b", 800: "_c", 640: "_z", 500: ""} // by the longest side
	large, small := 0, 0
	for _, u := range w.Users() {
		if u.Deleted || u.Uploads < 5 || large+small >= 200 {
			continue
		}
		pp, err := c.PublicPhotos(ctx, u.NSID, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pp.Photos {
			want, err := w.Photo(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			d := p.Display()
			edge := max(d.Width, d.Height)
			if want.HasLarge {
				large++
				if d != p.Large || d.Width != want.Width || d.Height != want.Height {
					t.Errorf("photo %s: display %+v, want url_l at %dx%d", p.ID, d, want.Width, want.Height)
				}
			} else {
				small++
				if p.Large.URL != "" || edge >= 1024 {
					t.Errorf("photo %s has no 1024 variant in the world, display %+v", p.ID, d)
				}
			}
			// Same shape as the world's 1024 variant, to rounding.
			if diff := d.Width*want.Height - d.Height*want.Width; diff < -max(want.Width, want.Height) || diff > max(want.Width, want.Height) {
				t.Errorf("photo %s: display %dx%d is not the shape of %dx%d", p.ID, d.Width, d.Height, want.Width, want.Height)
			}
			if sfx, ok := suffix[edge]; !ok || !strings.HasSuffix(d.URL, "/"+p.ID+"_"+p.Secret+sfx+".jpg") {
				t.Errorf("photo %s: display %+v: longest side %d does not match its URL", p.ID, d, edge)
			}
			if p.Thumb.URL == "" || p.Thumb.Width != 150 || p.Thumb.Height != 150 {
				t.Errorf("photo %s: thumbnail %+v, want url_q at 150x150", p.ID, p.Thumb)
			}
		}
	}
	if large == 0 || small == 0 {
		t.Errorf("%d photos with url_l, %d without: want both", large, small)
	}
}

func TestSimLookupUser(t *testing.T) {
	w := flickrtest.TinyWorld(5)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	ctx := context.Background()
	aliased := pickUser(t, w, func(u flickrtest.User) bool {
		return u.PathAlias != "" && !strings.EqualFold(u.PathAlias, u.Username)
	})
	plain := pickUser(t, w, func(u flickrtest.User) bool { return u.PathAlias == "" })
	tests := []struct {
		input     string
		want      string // NSID; "" for ErrNotFound
		wantCalls map[string]int
	}{
		{aliased.NSID, aliased.NSID, map[string]int{}},
		{"https://www.flickr.com/people/" + plain.NSID + "/", plain.NSID, map[string]int{}},
		{"https://www.flickr.com/photos/" + aliased.PathAlias + "/", aliased.NSID, map[string]int{"flickr.urls.lookupUser": 1}},
		{"flickr.com/photos/" + aliased.PathAlias + "/53637883806", aliased.NSID, map[string]int{"flickr.urls.lookupUser": 1}},
		{"https://m.flickr.com/photos/" + aliased.PathAlias, aliased.NSID, map[string]int{"flickr.urls.lookupUser": 1}},
		{aliased.Username, aliased.NSID, map[string]int{"flickr.people.findByUsername": 1}},
		{aliased.PathAlias, aliased.NSID, map[string]int{"flickr.people.findByUsername": 1, "flickr.urls.lookupUser": 1}},
		{"nobody-here-xyz", "", map[string]int{"flickr.people.findByUsername": 1, "flickr.urls.lookupUser": 1}},
		{"https://www.flickr.com/photos/nobody-here-xyz/", "", map[string]int{"flickr.urls.lookupUser": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			s.ResetCalls()
			got, err := c.LookupUser(ctx, tt.input)
			switch {
			case tt.want == "" && !errors.Is(err, flickr.ErrNotFound):
				t.Errorf("err = %v, want ErrNotFound", err)
			case tt.want != "" && err != nil:
				t.Errorf("err = %v", err)
			case got.NSID != tt.want:
				t.Errorf("NSID = %q, want %q", got.NSID, tt.want)
			}
			if diff := cmp.Diff(tt.wantCalls, s.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
	intl := pickUser(t, w, func(u flickrtest.User) bool { return !isASCII(u.Username) })
	if got, err := c.LookupUser(ctx, " "+intl.Username+" "); err != nil || got.NSID != intl.NSID {
		t.Errorf("LookupUser(%q) = %+v, %v; want %s", intl.Username, got, err, intl.NSID)
	}
	if _, err := c.LookupUser(ctx, "https://example.com/photos/x/"); !errors.Is(err, flickr.ErrInvalidUserInput) {
		t.Errorf("junk: err = %v, want ErrInvalidUserInput", err)
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

func TestSimWrites(t *testing.T) {
	w := flickrtest.TinyWorld(6)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	ctx := context.Background()
	me := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 5 })
	other := pickUser(t, w, func(u flickrtest.User) bool { return u.NSID != me.NSID && u.Uploads > 3 })
	faved := map[string]bool{}
	for _, f := range w.FavesOf(me.NSID) {
		faved[f.PhotoID] = true
	}
	var photo string
	for _, p := range w.PhotosOf(other.NSID) {
		if !faved[p.ID] {
			photo = p.ID
			break
		}
	}
	if photo == "" {
		t.Fatal("no photo to fave")
	}
	tk, sec := s.IssueToken(me.NSID, "write")
	tok := flickr.Token{Token: tk, Secret: sec}
	hasFave := func() bool {
		for _, f := range w.FavesOf(me.NSID) {
			if f.PhotoID == photo {
				return true
			}
		}
		return false
	}

	who, err := c.TestLogin(ctx, tok)
	if err != nil || who.NSID != me.NSID || who.Username != me.Username {
		t.Fatalf("TestLogin = %+v, %v; want %s %s", who, err, me.NSID, me.Username)
	}
	for i := range 2 {
		if err := c.AddFavorite(ctx, tok, photo); err != nil {
			t.Fatalf("AddFavorite #%d: %v", i+1, err)
		}
	}
	if !hasFave() {
		t.Error("after AddFavorite the world has no such fave")
	}
	for i := range 2 {
		if err := c.RemoveFavorite(ctx, tok, photo); err != nil {
			t.Fatalf("RemoveFavorite #%d: %v", i+1, err)
		}
	}
	if hasFave() {
		t.Error("after RemoveFavorite the fave is still there")
	}
	id, err := c.AddComment(ctx, tok, photo, "Lovely light & shadow, 100% ✓")
	if err != nil {
		t.Fatal(err)
	}
	cs := w.Comments(photo)
	if len(cs) != 1 || cs[0].ID != id || cs[0].Text != "Lovely light & shadow, 100% ✓" || cs[0].Author != me.NSID {
		t.Errorf("comments = %+v, want one with id %s", cs, id)
	}
	if _, err := c.AddComment(ctx, tok, photo, ""); err == nil {
		t.Error("blank comment accepted")
	}
	if err := c.AddFavorite(ctx, tok, "1"); !errors.Is(err, flickr.ErrNotFound) {
		t.Errorf("fave of unknown photo: %v, want ErrNotFound", err)
	}

	rtk, rsec := s.IssueToken(me.NSID, "read")
	if err := c.AddFavorite(ctx, flickr.Token{Token: rtk, Secret: rsec}, photo); !errors.Is(err, flickr.ErrInsufficientPermissions) {
		t.Errorf("write with a read token: %v, want ErrInsufficientPermissions", err)
	}
	if err := c.AddFavorite(ctx, flickr.Token{Token: tk, Secret: "wrong"}, photo); !errors.Is(err, flickr.ErrUnauthorized) {
		t.Errorf("bad token secret: %v, want ErrUnauthorized", err)
	}
	bad := simClient(t, s, func(o *flickr.Options) { o.APISecret = "wrong" })
	if _, err := bad.TestLogin(ctx, tok); !errors.Is(err, flickr.ErrUnauthorized) {
		t.Errorf("bad consumer secret: %v, want ErrUnauthorized", err)
	}
	s.RevokeToken(tk)
	if _, err := c.TestLogin(ctx, tok); !errors.Is(err, flickr.ErrInvalidToken) {
		t.Errorf("revoked token: %v, want ErrInvalidToken", err)
	}
}

func TestSimOAuthDance(t *testing.T) {
	w := flickrtest.TinyWorld(7)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	c := simClient(t, s, nil)
	ctx := context.Background()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const callback = "http://127.0.0.1:1/auth/callback?state=x"

	req, err := c.RequestToken(ctx, callback)
	if err != nil {
		t.Fatal(err)
	}
	authURL := c.AuthorizeURL(req.Token)
	au, err := url.Parse(authURL)
	if err != nil || au.Query().Get("perms") != "write" || au.Query().Get("oauth_token") != req.Token ||
		!strings.HasPrefix(authURL, s.URL+"/services/oauth/authorize?") {
		t.Fatalf("AuthorizeURL = %q", authURL)
	}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`id="pick-0" name="pick" value="([^"]+)"`).FindSubmatch(page)
	if m == nil || !strings.Contains(string(page), "<strong>write</strong>") {
		t.Fatalf("authorize page lacks a write request or a user to pick:\n%s", page)
	}
	nsid := string(m[1])
	resp, err = browser.PostForm(s.URL+"/services/oauth/authorize", url.Values{
		"oauth_token": {req.Token}, "perms": {"write"}, "pick": {nsid}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode/100 != 3 || loc.Host != "127.0.0.1:1" || loc.Query().Get("state") != "x" {
		t.Fatalf("authorize answered %d to %q, want a redirect to the callback", resp.StatusCode, resp.Header.Get("Location"))
	}
	verifier := loc.Query().Get("oauth_verifier")

	if _, err := c.AccessToken(ctx, req, "wrong-verifier"); !errors.Is(err, flickr.ErrUnauthorized) {
		t.Errorf("wrong verifier: %v, want ErrUnauthorized", err)
	}
	at, err := c.AccessToken(ctx, req, verifier)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := w.User(nsid)
	want := flickr.AccessToken{Token: at.Token, UserNSID: nsid, Username: u.Username, Fullname: u.Realname}
	if diff := cmp.Diff(want, at); diff != "" || at.Token.Token == "" || at.Secret == "" {
		t.Errorf("access token (-want +got):\n%s", diff)
	}
	who, err := c.TestLogin(ctx, at.Token)
	if err != nil || who.NSID != nsid {
		t.Errorf("TestLogin with the new token = %+v, %v; want %s", who, err, nsid)
	}
	if _, err := c.AccessToken(ctx, req, verifier); !errors.Is(err, flickr.ErrUnauthorized) {
		t.Errorf("request token reused: %v, want ErrUnauthorized", err)
	}
	bad := simClient(t, s, func(o *flickr.Options) { o.APISecret = "wrong" })
	if _, err := bad.RequestToken(ctx, callback); !errors.Is(err, flickr.ErrUnauthorized) {
		t.Errorf("request token with a bad secret: %v, want ErrUnauthorized", err)
	}
}

// countingObserver counts calls per method and outcome.
type countingObserver struct {
	calls chan string
}

func (o countingObserver) Call(method, outcome string, _ time.Duration) {
	o.calls <- method + " " + outcome
}
func (o countingObserver) Wait(flickr.Lane, time.Duration) {}

func TestSimFaultsAndRetries(t *testing.T) {
	w := flickrtest.TinyWorld(8)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 0 })
	tests := []struct {
		name    string
		faults  flickrtest.Faults
		is      error
		outcome string
	}{
		{"429", flickrtest.Faults{RateLimited: 1}, flickr.ErrRateLimited, "rate_limited"},
		{"502", flickrtest.Faults{ServerError: 1}, nil, "server_error"},
		{"105", flickrtest.Faults{Unavailable: 1}, nil, "unavailable"},
		{"201", flickrtest.Faults{APIDown: 1}, nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := countingObserver{calls: make(chan string, 100)}
			c := simClient(t, s, func(o *flickr.Options) { o.MaxRetries = 3; o.Metrics = obs })
			s.SetFaults(tt.faults)
			s.ResetCalls()
			_, err := c.PersonInfo(context.Background(), u.NSID)
			if err == nil || !flickr.IsRetryable(err) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("err = %v, want a retryable error (%v)", err, tt.is)
			}
			if got := s.Calls()["flickr.people.getInfo"]; got != 4 {
				t.Errorf("calls = %d, want 4 (1 + MaxRetries)", got)
			}
			close(obs.calls)
			for o := range obs.calls {
				if o != "flickr.people.getInfo "+tt.outcome {
					t.Errorf("observed %q, want outcome %s", o, tt.outcome)
				}
			}
		})
	}

	s.SetFaults(flickrtest.Faults{CommentTooFast: 1})
	s.ResetCalls()
	me := pickUser(t, w, func(u flickrtest.User) bool { return u.Faves > 0 })
	tk, sec := s.IssueToken(me.NSID, "write")
	_, err := simClient(t, s, nil).AddComment(context.Background(), flickr.Token{Token: tk, Secret: sec}, w.FavesOf(me.NSID)[0].PhotoID, "hi")
	var apiErr *flickr.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 9 || flickr.IsRetryable(err) {
		t.Errorf("comment too fast: %v, want a permanent *APIError code 9", err)
	}
	if got := s.Calls()["flickr.photos.comments.addComment"]; got != 1 {
		t.Errorf("comment too fast: %d calls, want 1", got)
	}

	s.SetFaults(flickrtest.Faults{RateLimited: 0.15, ServerError: 0.15, Unavailable: 0.1, APIDown: 0.1})
	s.ResetCalls()
	c := simClient(t, s, func(o *flickr.Options) { o.MaxRetries = 12 })
	for i := range 30 {
		if _, err := c.PersonInfo(context.Background(), u.NSID); err != nil {
			t.Fatalf("call %d with 50%% faults and 12 retries: %v", i, err)
		}
	}
	if got := s.Calls()["flickr.people.getInfo"]; got <= 30 {
		t.Errorf("calls = %d for 30 successes at 50%% faults: retries not exercised", got)
	}
	s.SetFaults(flickrtest.Faults{})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.ResetCalls()
	if _, err := c.PersonInfo(ctx, u.NSID); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled ctx: %v, want context.Canceled", err)
	}
	if got := s.Calls()["flickr.people.getInfo"]; got != 0 {
		t.Errorf("canceled ctx made %d calls", got)
	}
}

func TestSimRateLimit429(t *testing.T) {
	w := flickrtest.TinyWorld(9)
	s := flickrtest.Start(t, w, flickrtest.Options{CallsPerHour: 5})
	c := simClient(t, s, func(o *flickr.Options) { o.MaxRetries = -1 })
	u := pickUser(t, w, func(flickrtest.User) bool { return true })
	var errs []string
	for range 7 {
		_, err := c.PersonInfo(context.Background(), u.NSID)
		errs = append(errs, fmt.Sprint(errors.Is(err, flickr.ErrRateLimited)))
	}
	want := []string{"false", "false", "false", "false", "false", "true", "true"}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("rate limited per call (-want +got):\n%s", diff)
	}
}

func TestSimIconBase(t *testing.T) {
	w := flickrtest.TinyWorld(4)
	s := flickrtest.Start(t, w, flickrtest.Options{})
	ctx := context.Background()
	u := pickUser(t, w, func(u flickrtest.User) bool { return u.Contacts > 0 && u.Faves > 0 && u.Uploads > 0 })
	tests := []struct {
		name     string
		iconBase string
		wantHost string
	}{
		{"flickr hosts by default", "", "flickr.com/"},
		{"simulator when set", s.URL + "/img/", s.URL + "/img/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simClient(t, s, func(o *flickr.Options) { o.IconBase = tt.iconBase })
			p, err := c.PersonInfo(ctx, u.NSID)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := c.PublicContacts(ctx, u.NSID, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			urls := []string{p.IconURL}
			for _, ct := range cp.Contacts {
				urls = append(urls, ct.IconURL)
			}
			// owners of favorites and of uploads carry their icon too (extras=icon_server)
			fp, err := c.PublicFavorites(ctx, u.NSID, flickr.FavoritesQuery{})
			if err != nil {
				t.Fatal(err)
			}
			pp, err := c.PublicPhotos(ctx, u.NSID, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, ph := range append(fp.Photos, pp.Photos...) {
				urls = append(urls, ph.OwnerIconURL)
			}
			for _, icon := range urls {
				if !strings.Contains(icon, tt.wantHost) {
					t.Fatalf("icon %q does not point at %q", icon, tt.wantHost)
				}
				if tt.iconBase == "" {
					continue
				}
				resp, err := http.Get(icon)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s = %d, want 200", icon, resp.StatusCode)
				}
			}
		})
	}
}
