package flickrtest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadMethods(t *testing.T) {
	w := TinyWorld(1)
	s := Start(t, w, Options{})
	var u User
	for _, x := range w.Users() {
		if x.Faves >= 120 && x.Realname != "" {
			u = x
			break
		}
	}
	var aliased, plain User
	for _, x := range w.Users() {
		if x.PathAlias != "" && aliased.NSID == "" {
			aliased = x
		}
		if x.PathAlias == "" && plain.NSID == "" {
			plain = x
		}
	}
	tests := []struct {
		name   string
		method string
		params []string
		want   map[string]any // path "a.b" -> value
	}{
		{"getInfo", "flickr.people.getInfo", []string{"user_id", u.NSID}, map[string]any{
			"person.nsid": u.NSID, "person.id": u.NSID, "person.username._content": u.Username,
			"person.realname._content": u.Realname, "person.photos.count._content": float64(u.Uploads)}},
		{"lookupUser by alias", "flickr.urls.lookupUser", []string{"url", "https://www.flickr.com/photos/" + aliased.PathAlias + "/"},
			map[string]any{"user.id": aliased.NSID, "user.username._content": aliased.Username}},
		{"lookupUser by nsid", "flickr.urls.lookupUser", []string{"url", "https://www.flickr.com/people/" + plain.NSID},
			map[string]any{"user.id": plain.NSID}},
		{"findByUsername", "flickr.people.findByUsername", []string{"username", strings.ToUpper(u.Username)},
			map[string]any{"user.nsid": u.NSID, "user.id": u.NSID, "user.username._content": u.Username}},
		{"contacts", "flickr.contacts.getPublicList", []string{"user_id", u.NSID},
			map[string]any{"contacts.total": float64(u.Contacts), "contacts.perpage": float64(1000), "contacts.page": float64(1)}},
		{"publicPhotos", "flickr.people.getPublicPhotos", []string{"user_id", u.NSID, "per_page", "1"},
			map[string]any{"photos.total": float64(u.Uploads), "photos.pages": float64(u.Uploads), "photos.perpage": float64(1)}},
		{"favorites", "flickr.favorites.getPublicList", []string{"user_id", u.NSID, "per_page", "50"},
			map[string]any{"photos.total": float64(u.Faves), "photos.pages": float64((u.Faves + 49) / 50)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rest(t, s, tt.method, tt.params...)
			if code := failCode(t, r); code != 0 {
				t.Fatalf("code %d: %s", code, r.body)
			}
			m := r.json(t)
			got := map[string]any{}
			for p := range tt.want {
				got[p] = path(t, m, strings.Split(p, ".")...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMethodErrors(t *testing.T) {
	w := TinyWorld(2)
	s := Start(t, w, Options{})
	gone := w.Users()[5].NSID
	w.DeleteUser(gone)
	tests := []struct {
		name     string
		method   string
		params   []string
		wantCode int
	}{
		{"unknown method", "flickr.nope.nothing", nil, 112},
		{"getInfo unknown", "flickr.people.getInfo", []string{"user_id", "1@N01"}, 1},
		{"getInfo deleted", "flickr.people.getInfo", []string{"user_id", gone}, 1},
		{"favorites unknown", "flickr.favorites.getPublicList", []string{"user_id", "1@N01"}, 1},
		{"favorites deleted", "flickr.favorites.getPublicList", []string{"user_id", gone}, 1},
		{"contacts deleted", "flickr.contacts.getPublicList", []string{"user_id", gone}, 1},
		{"photos missing arg", "flickr.people.getPublicPhotos", nil, 1},
		{"lookup not a profile", "flickr.urls.lookupUser", []string{"url", "https://www.flickr.com/groups/x/"}, 1},
		{"lookup by username is not an alias", "flickr.urls.lookupUser", []string{"url", "https://www.flickr.com/photos/nobody-here/"}, 1},
		{"findByUsername unknown", "flickr.people.findByUsername", []string{"username", "nobody-here"}, 1},
		{"test.login unsigned", "flickr.test.login", nil, 99},
		{"favorites.add unsigned", "flickr.favorites.add", []string{"photo_id", "52000000000"}, 99},
		{"bad api key", "flickr.people.getInfo", []string{"api_key", "nope"}, 100},
		{"no api key", "flickr.people.getInfo", []string{"api_key", ""}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rest(t, s, tt.method, tt.params...)
			if r.status != http.StatusOK {
				t.Fatalf("status %d, want 200 with an envelope", r.status)
			}
			if got := failCode(t, r); got != tt.wantCode {
				t.Errorf("code %d, want %d: %s", got, tt.wantCode, r.body)
			}
		})
	}
}

func TestPagingAndMinFaveDate(t *testing.T) {
	w := TinyWorld(3)
	s := Start(t, w, Options{})
	u := heavyUser(t, w, 300)
	faves := w.FavesOf(u.NSID)

	// Walk every page of 100: the union is exactly FavesOf, newest first.
	var got []string
	for page := 1; ; page++ {
		m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "page", strconv.Itoa(page)).json(t)
		photos := path(t, m, "photos", "photo").([]any)
		for _, p := range photos {
			pm := p.(map[string]any)
			got = append(got, pm["id"].(string)+"@"+pm["date_faved"].(string))
		}
		if float64(page) >= path(t, m, "photos", "pages").(float64) {
			break
		}
	}
	var want []string
	for _, f := range faves {
		want = append(want, f.PhotoID+"@"+strconv.FormatInt(f.FavedAt.Unix(), 10))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged favorites differ from FavesOf (-want +got):\n%s", diff)
	}

	// per_page is capped at 500.
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "per_page", "900").json(t)
	if pp := path(t, m, "photos", "perpage"); pp != float64(500) {
		t.Errorf("perpage %v, want 500", pp)
	}

	// min_fave_date keeps faves at or after it.
	cut := faves[len(faves)/3].FavedAt
	wantN := 0
	for _, f := range faves {
		if !f.FavedAt.Before(cut) {
			wantN++
		}
	}
	m = rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "min_fave_date", strconv.FormatInt(cut.Unix(), 10), "per_page", "500").json(t)
	if total := path(t, m, "photos", "total"); total != float64(wantN) {
		t.Errorf("total with min_fave_date %v, want %d", total, wantN)
	}
	for _, p := range path(t, m, "photos", "photo").([]any) {
		d, _ := strconv.ParseInt(p.(map[string]any)["date_faved"].(string), 10, 64)
		if d < cut.Unix() {
			t.Fatalf("photo faved at %d before min_fave_date %d", d, cut.Unix())
		}
	}

	// A page past the end is empty, not an error.
	m = rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "page", "999").json(t)
	if n := len(path(t, m, "photos", "photo").([]any)); n != 0 {
		t.Errorf("page 999 has %d photos", n)
	}
}

func TestExtrasAndQuirks(t *testing.T) {
	w := TinyWorld(4)
	u := heavyUser(t, w, 200)
	extras := "url_q,url_m,url_z,url_c,url_l,owner_name,path_alias"

	plain := Start(t, w, Options{})
	m := rest(t, plain, "flickr.favorites.getPublicList", "user_id", u.NSID, "extras", extras, "per_page", "20").json(t)
	p0 := path(t, m, "photos", "photo").([]any)[0].(map[string]any)
	for _, k := range []string{"url_q", "height_q", "width_q", "url_m", "height_m", "width_m", "url_z", "height_z", "width_z",
		"url_c", "height_c", "width_c", "url_l", "height_l", "width_l", "ownername", "pathalias", "date_faved"} {
		if _, ok := p0[k]; !ok {
			t.Errorf("extra %q missing from %v", k, p0)
		}
	}
	// live.staticflickr.com's paths: /{server}/{id}_{secret}_{suffix}.jpg, the 500 size without a suffix
	img := plain.URL + "/" + p0["server"].(string) + "/" + p0["id"].(string) + "_" + p0["secret"].(string)
	for k, suffix := range map[string]string{"url_q": "_q", "url_m": "", "url_z": "_z", "url_c": "_c", "url_l": "_b"} {
		if p0[k] != img+suffix+".jpg" {
			t.Errorf("%s = %v, want %s", k, p0[k], img+suffix+".jpg")
		}
	}
	if _, ok := path(t, m, "photos", "total").(float64); !ok {
		t.Errorf("total is not a number by default")
	}

	q := Start(t, w, Options{Quirks: Quirks{StringPaging: true, MissingLarge: true, ShortPages: true}})
	m = rest(t, q, "flickr.favorites.getPublicList", "user_id", u.NSID, "extras", extras, "per_page", "100").json(t)
	for k, want := range map[string]string{"page": "number", "pages": "string", "perpage": "number", "total": "string"} {
		if got := jsonKind(path(t, m, "photos", k)); got != want {
			t.Errorf("quirk StringPaging: %s is a %s, want a %s", k, got, want)
		}
	}
	photos := path(t, m, "photos", "photo").([]any)
	if len(photos) >= 100 {
		t.Errorf("quirk ShortPages: first page has %d of 100", len(photos))
	}
	missing := 0
	for _, p := range photos {
		if _, ok := p.(map[string]any)["url_l"]; !ok {
			missing++
		}
	}
	if missing == 0 || missing == len(photos) {
		t.Errorf("quirk MissingLarge: %d of %d photos lack url_l, want some", missing, len(photos))
	}
}

func TestJSONPAndFormat(t *testing.T) {
	s := Start(t, TinyWorld(5), Options{})
	q := url.Values{"method": {"flickr.people.findByUsername"}, "api_key": {DefaultConsumerKey}, "format": {"json"}, "username": {"x"}}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/services/rest?"+q.Encode(), nil)
	if r := do(t, nil, req); !strings.HasPrefix(r.body, "jsonFlickrApi({") || !strings.HasSuffix(r.body, "})") {
		t.Errorf("without nojsoncallback: %q, want jsonFlickrApi(...)", r.body)
	}
	q.Set("format", "rest")
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/services/rest/?"+q.Encode(), nil)
	if r := do(t, nil, req); !strings.Contains(r.body, `code="111"`) {
		t.Errorf("format=rest: %q, want an XML code 111", r.body)
	}
}

func TestWritesChangeTheWorld(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	w := TinyWorld(6)
	s := Start(t, w, Options{Now: func() time.Time { return now }})
	me := heavyUser(t, w, 50)
	tok, sec := s.IssueToken(me.NSID, "write")
	c := signedClient(tok, sec)

	// A photo I have not faved and do not own.
	mine := map[string]bool{}
	for _, f := range w.FavesOf(me.NSID) {
		mine[f.PhotoID] = true
	}
	var target Photo
	for _, other := range w.Users() {
		if other.NSID == me.NSID {
			continue
		}
		for _, p := range w.PhotosOf(other.NSID) {
			if !mine[p.ID] {
				target = p
				break
			}
		}
		if target.ID != "" {
			break
		}
	}
	own := w.PhotosOf(me.NSID)[0]

	steps := []struct {
		name     string
		method   string
		params   []string
		wantCode int
	}{
		{"add", "flickr.favorites.add", []string{"photo_id", target.ID}, 0},
		{"add again", "flickr.favorites.add", []string{"photo_id", target.ID}, 3},
		{"add own", "flickr.favorites.add", []string{"photo_id", own.ID}, 2},
		{"add unknown", "flickr.favorites.add", []string{"photo_id", "123"}, 1},
		{"comment", "flickr.photos.comments.addComment", []string{"photo_id", target.ID, "comment_text", "Schön! 📷"}, 0},
		{"blank comment", "flickr.photos.comments.addComment", []string{"photo_id", target.ID, "comment_text", "  "}, 8},
		{"comment unknown photo", "flickr.photos.comments.addComment", []string{"photo_id", "9", "comment_text", "hi"}, 1},
	}
	for _, st := range steps {
		if got := failCode(t, signedPost(t, s, c, st.method, st.params...)); got != st.wantCode {
			t.Fatalf("%s: code %d, want %d", st.name, got, st.wantCode)
		}
	}
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", me.NSID, "per_page", "1").json(t)
	first := path(t, m, "photos", "photo").([]any)[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"id": target.ID, "date_faved": strconv.FormatInt(now.Unix(), 10)},
		map[string]any{"id": first["id"], "date_faved": first["date_faved"]}); diff != "" {
		t.Errorf("newest fave after add (-want +got):\n%s", diff)
	}
	if got := w.Comments(target.ID); len(got) != 1 || got[0].Text != "Schön! 📷" || got[0].Author != me.NSID {
		t.Errorf("comments on %s: %+v", target.ID, got)
	}

	if got := failCode(t, signedPost(t, s, c, "flickr.favorites.remove", "photo_id", target.ID)); got != 0 {
		t.Fatalf("remove: code %d", got)
	}
	if got := failCode(t, signedPost(t, s, c, "flickr.favorites.remove", "photo_id", target.ID)); got != 1 {
		t.Fatalf("remove again: code %d, want 1", got)
	}
	if got, want := len(w.FavesOf(me.NSID)), me.Faves; got != want {
		t.Errorf("faves after add+remove: %d, want %d", got, want)
	}
	// Removing a generated fave hides it from reads.
	gen := w.FavesOf(me.NSID)[0]
	if got := failCode(t, signedPost(t, s, c, "flickr.favorites.remove", "photo_id", gen.PhotoID)); got != 0 {
		t.Fatalf("remove generated: code %d", got)
	}
	m = rest(t, s, "flickr.favorites.getPublicList", "user_id", me.NSID).json(t)
	if total := path(t, m, "photos", "total"); total != float64(me.Faves-1) {
		t.Errorf("total after removing a generated fave: %v, want %d", total, me.Faves-1)
	}
}

func TestDeletedOwnerPhotosVanish(t *testing.T) {
	w := TinyWorld(7)
	s := Start(t, w, Options{})
	u := heavyUser(t, w, 50)
	faves := w.FavesOf(u.NSID)
	owner := faves[0].Owner
	n := 0
	for _, f := range faves {
		if f.Owner == owner {
			n++
		}
	}
	w.DeleteUser(owner)
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID).json(t)
	if total := path(t, m, "photos", "total"); total != float64(len(faves)-n) {
		t.Errorf("total %v after deleting owner of %d faves, want %d", total, n, len(faves)-n)
	}
}

// TestListOwnerIcons checks extras=icon_server on photo lists: every photo carries its owner's
// iconserver and iconfarm exactly as people.getInfo gives them, and neither key without the extra.
func TestListOwnerIcons(t *testing.T) {
	w := TinyWorld(7)
	s := Start(t, w, Options{})
	u := heavyUser(t, w, 50)
	type icon struct {
		Server any
		Farm   any
	}
	infoIcon := map[string]icon{}
	ownerIcon := func(t *testing.T, nsid string) icon {
		t.Helper()
		if ic, ok := infoIcon[nsid]; ok {
			return ic
		}
		m := rest(t, s, "flickr.people.getInfo", "user_id", nsid).json(t)
		ic := icon{path(t, m, "person", "iconserver"), path(t, m, "person", "iconfarm")}
		infoIcon[nsid] = ic
		return ic
	}
	tests := []struct {
		name      string
		method    string
		extras    string
		wantIcons bool
	}{
		{"favorites with icon_server", "flickr.favorites.getPublicList", "owner_name,icon_server", true},
		{"public photos with icon_server", "flickr.people.getPublicPhotos", "icon_server,url_q", true},
		{"favorites without", "flickr.favorites.getPublicList", "owner_name,url_q", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := rest(t, s, tt.method, "user_id", u.NSID, "extras", tt.extras, "per_page", "500").json(t)
			photos, _ := path(t, m, "photos", "photo").([]any)
			if len(photos) == 0 {
				t.Fatalf("no photos in %s of %s", tt.method, u.NSID)
			}
			withIcon := 0
			for _, p := range photos {
				ph := p.(map[string]any)
				srv, hasSrv := ph["iconserver"]
				farm, hasFarm := ph["iconfarm"]
				if !tt.wantIcons {
					if hasSrv || hasFarm {
						t.Fatalf("photo %v has iconserver/iconfarm without the extra", ph["id"])
					}
					continue
				}
				if !hasSrv || !hasFarm {
					t.Fatalf("photo %v lacks iconserver/iconfarm: %v", ph["id"], ph)
				}
				got := icon{srv, farm}
				if want := ownerIcon(t, ph["owner"].(string)); got != want {
					t.Errorf("photo %v owner %v: icon %+v, people.getInfo says %+v", ph["id"], ph["owner"], got, want)
				}
				if srv != "0" {
					withIcon++
				}
			}
			if tt.wantIcons && tt.method == "flickr.favorites.getPublicList" && withIcon == 0 { // many owners: some have icons
				t.Errorf("no owner among %d photos has a buddy icon", len(photos))
			}
		})
	}
}
