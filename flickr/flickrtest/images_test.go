package flickrtest

import (
	"bytes"
	"image"
	_ "image/gif"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImagesServed(t *testing.T) {
	w := TinyWorld(31)
	s := Start(t, w, Options{})
	u := heavyUser(t, w, 5)
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "extras", "url_q,url_m,url_l", "per_page", "2").json(t)
	photos := path(t, m, "photos", "photo").([]any)
	type size struct{ W, H int }
	var bodies [][]byte
	for _, p := range photos {
		pm := p.(map[string]any)
		for _, v := range []string{"q", "m", "l"} {
			r := do(t, nil, mustRequest(t, http.MethodGet, pm["url_"+v].(string)))
			if r.status != 200 || r.ctype != "image/jpeg" {
				t.Fatalf("%s: %d %s", pm["url_"+v], r.status, r.ctype)
			}
			img, err := jpeg.Decode(strings.NewReader(r.body))
			if err != nil {
				t.Fatalf("%s: %v", pm["url_"+v], err)
			}
			got := size{img.Bounds().Dx(), img.Bounds().Dy()}
			want := size{int(pm["width_"+v].(float64)), int(pm["height_"+v].(float64))}
			if v == "l" {
				want = size{want.W / 2, want.H / 2} // the 1024 variant is served at half size
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s size (-want +got):\n%s", pm["url_"+v], diff)
			}
			if v == "q" {
				bodies = append(bodies, []byte(r.body))
			}
		}
	}
	if len(bodies) == 2 && bytes.Equal(bodies[0], bodies[1]) {
		t.Errorf("two photos have the same image")
	}

	p0 := photos[0].(map[string]any)
	bad := strings.Replace(p0["url_q"].(string), p0["secret"].(string), "0000000000", 1)
	if r := do(t, nil, mustRequest(t, http.MethodGet, bad)); r.status != http.StatusNotFound {
		t.Errorf("wrong secret: %d, want 404", r.status)
	}
}

func TestBuddyIcons(t *testing.T) {
	w := TinyWorld(32)
	s := Start(t, w, Options{})
	var withIcon, without User
	for _, u := range w.Users() {
		m := rest(t, s, "flickr.people.getInfo", "user_id", u.NSID).json(t)
		if path(t, m, "person", "iconserver") == "0" {
			if without.NSID == "" {
				without = u
			}
			if path(t, m, "person", "iconfarm") != float64(0) {
				t.Fatalf("iconserver 0 with farm %v", path(t, m, "person", "iconfarm"))
			}
		} else if withIcon.NSID == "" {
			withIcon = u
			srv := path(t, m, "person", "iconserver").(string)
			r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/img/"+srv+"/buddyicons/"+u.NSID+".jpg"))
			if r.status != 200 {
				t.Fatalf("icon: %d", r.status)
			}
			img, _, err := image.Decode(strings.NewReader(r.body))
			if err != nil || img.Bounds().Dx() != 48 {
				t.Errorf("icon: %v, %v", err, img)
			}
		}
		if withIcon.NSID != "" && without.NSID != "" {
			break
		}
	}
	if withIcon.NSID == "" || without.NSID == "" {
		t.Fatalf("tiny world lacks users with and without icons")
	}
	r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/img/buddyicon.gif"))
	if _, format, err := image.Decode(strings.NewReader(r.body)); err != nil || format != "gif" {
		t.Errorf("default icon: %v %s", err, format)
	}
}
