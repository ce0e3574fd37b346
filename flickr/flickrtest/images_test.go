package flickrtest

import (
	"bytes"
	"image"
	_ "image/gif"
	"image/jpeg"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPhotoSizes loads every url_x of a page of favorites and checks the image is a JPEG of
// exactly width_x x height_x, with the photo's shape (square sizes 75 and 150), that the legacy
// /img/ path serves the same bytes, and that a Server over the same world serves the same
// image while two photos differ.
func TestPhotoSizes(t *testing.T) {
	w := TinyWorld(31)
	s := Start(t, w, Options{})
	u := heavyUser(t, w, 12)
	const extras = "url_sq,url_q,url_s,url_m,url_z,url_c,url_l"
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "extras", extras, "per_page", "12").json(t)
	photos := path(t, m, "photos", "photo").([]any)
	type size struct{ W, H int }
	edges := map[string]int{"sq": 75, "q": 150, "s": 240, "m": 500, "z": 640, "c": 800, "l": 1024}
	shapes := map[float64]bool{}
	var first []byte
	for i, p := range photos {
		pm := p.(map[string]any)
		full := size{int(pm["width_l"].(float64)), int(pm["height_l"].(float64))}
		shapes[math.Round(100*float64(full.W)/float64(full.H))/100] = true
		for x, edge := range edges {
			url, ok := pm["url_"+x].(string)
			if !ok {
				t.Fatalf("photo %v lacks url_%s", pm["id"], x)
			}
			r := do(t, nil, mustRequest(t, http.MethodGet, url))
			if r.status != http.StatusOK || r.ctype != "image/jpeg" {
				t.Fatalf("%s: %d %s", url, r.status, r.ctype)
			}
			img, err := jpeg.Decode(strings.NewReader(r.body))
			if err != nil {
				t.Fatalf("%s: %v", url, err)
			}
			got := size{img.Bounds().Dx(), img.Bounds().Dy()}
			want := size{int(pm["width_"+x].(float64)), int(pm["height_"+x].(float64))}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: image size differs from width_%s/height_%s (-want +got):\n%s", url, x, x, diff)
			}
			switch {
			case x == "sq" || x == "q":
				if want != (size{edge, edge}) {
					t.Errorf("%s: %v, want a %d square", url, want, edge)
				}
			case max(want.W, want.H) != edge:
				t.Errorf("%s: %v, want %d on the longer side", url, want, edge)
			case math.Abs(float64(want.W)/float64(want.H)-float64(full.W)/float64(full.H)) > 1.5/float64(min(want.W, want.H)):
				t.Errorf("%s: %v has not the shape of %v", url, want, full)
			}
			if x == "q" && i < 2 {
				legacy := strings.Replace(url, s.URL+"/", s.URL+"/img/", 1)
				if lr := do(t, nil, mustRequest(t, http.MethodGet, legacy)); lr.status != http.StatusOK || lr.body != r.body {
					t.Errorf("%s: status %d, want the image of %s", legacy, lr.status, url)
				}
				if i == 0 {
					first = []byte(r.body)
				} else if bytes.Equal(first, []byte(r.body)) {
					t.Errorf("two photos have the same image")
				}
			}
		}
	}
	if len(shapes) < 2 {
		t.Errorf("12 photos come in %d shapes (%v), want several", len(shapes), shapes)
	}

	again := Start(t, TinyWorld(31), Options{})
	p0 := photos[0].(map[string]any)
	u0 := p0["url_q"].(string)
	if r := do(t, nil, mustRequest(t, http.MethodGet, strings.Replace(u0, s.URL, again.URL, 1))); r.body != string(first) {
		t.Errorf("a new Server over the same world renders %s differently", u0)
	}
	bad := strings.Replace(u0, p0["secret"].(string), "0000000000", 1)
	if r := do(t, nil, mustRequest(t, http.MethodGet, bad)); r.status != http.StatusNotFound {
		t.Errorf("wrong secret: %d, want 404", r.status)
	}
	if r := do(t, nil, mustRequest(t, http.MethodGet, strings.Replace(u0, "_q.jpg", "_k.jpg", 1))); r.status != http.StatusNotFound {
		t.Errorf("a size the simulator does not serve (_k): %d, want 404", r.status)
	}
}

// TestMissingSizes checks Quirks.MissingLarge: a small original has neither the extras nor the
// images of the sizes above it, and always has the 500 size.
func TestMissingSizes(t *testing.T) {
	w := TinyWorld(33)
	s := Start(t, w, Options{Quirks: Quirks{MissingLarge: true}})
	u := heavyUser(t, w, 200)
	m := rest(t, s, "flickr.favorites.getPublicList", "user_id", u.NSID, "extras", "url_m,url_z,url_c,url_l", "per_page", "500").json(t)
	small := map[int]int{}
	for _, p := range path(t, m, "photos", "photo").([]any) {
		pm := p.(map[string]any)
		ph, err := w.Photo(pm["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := pm["url_m"]; !ok {
			t.Fatalf("photo %s lacks url_m", ph.ID)
		}
		if ph.HasLarge {
			continue
		}
		small[ph.MaxEdge]++
		for x, edge := range map[string]int{"z": 640, "c": 800, "l": 1024} {
			_, listed := pm["url_"+x]
			if listed != (edge <= ph.MaxEdge) {
				t.Errorf("photo %s with a %d px original: url_%s listed %v", ph.ID, ph.MaxEdge, x, listed)
			}
		}
		b := s.URL + "/" + ph.Server + "/" + ph.ID + "_" + ph.Secret + "_b.jpg"
		if r := do(t, nil, mustRequest(t, http.MethodGet, b)); r.status != http.StatusNotFound {
			t.Errorf("%s of a small original: %d, want 404", b, r.status)
		}
	}
	if len(small) < 2 {
		t.Errorf("small originals by size %v, want several sizes among %d favorites", small, u.Faves)
	}
}

// TestPhotoShapes checks the mix of frames over a world's photos: mostly landscape, then
// portrait, square and a few panoramas, as on Flickr.
func TestPhotoShapes(t *testing.T) {
	w := TinyWorld(34)
	count := map[string]int{}
	for ph := range int32(w.NumPhotos()) {
		wd, ht := w.dims(ph)
		switch r := float64(wd) / float64(ht); {
		case r >= 2.4:
			count["panorama"]++
		case r > 1:
			count["landscape"]++
		case r == 1:
			count["square"]++
		default:
			count["portrait"]++
		}
		if max(wd, ht) != 1024 {
			t.Fatalf("photo %d: %dx%d, want 1024 on the longer side", ph, wd, ht)
		}
	}
	n := float64(w.NumPhotos())
	for _, b := range []struct {
		kind   string
		lo, hi float64
	}{{"landscape", 0.52, 0.72}, {"portrait", 0.15, 0.31}, {"square", 0.05, 0.15}, {"panorama", 0.02, 0.09}} {
		if got := float64(count[b.kind]) / n; got < b.lo || got > b.hi {
			t.Errorf("%s photos: %.3f of %d, want in [%g, %g]", b.kind, got, w.NumPhotos(), b.lo, b.hi)
		}
	}
}

// TestLookFollowsTopic renders three photos of each subject's first palette and checks, on their
// average colours, that photos of one topic look more alike than photos of different topics.
func TestLookFollowsTopic(t *testing.T) {
	type rgbMean [3]float64
	mean := func(topic int, seed uint64) rgbMean {
		img := renderScene(topic, seed, 60, 40, 1024, 683)
		var m rgbMean
		for i := 0; i < len(img.Pix); i += 4 {
			for k := range 3 {
				m[k] += float64(img.Pix[i+k])
			}
		}
		for k := range 3 {
			m[k] /= float64(len(img.Pix) / 4)
		}
		return m
	}
	dist := func(a, b rgbMean) float64 {
		return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
	}
	var means [][]rgbMean
	for topic := range subjects {
		var ms []rgbMean
		for k := range 3 {
			ms = append(ms, mean(topic, mix(uint64(100*topic+k))))
		}
		means = append(means, ms)
	}
	var same, other float64
	var ns, no int
	for a := range means {
		for b := range means {
			for i := range means[a] {
				for j := range means[b] {
					switch {
					case a == b && i < j:
						same += dist(means[a][i], means[b][j])
						ns++
					case a < b:
						other += dist(means[a][i], means[b][j])
						no++
					}
				}
			}
		}
	}
	same, other = same/float64(ns), other/float64(no)
	t.Logf("mean colour distance: same topic %.1f, different topics %.1f", same, other)
	if same*2 > other {
		t.Errorf("photos of a topic are not alike: mean colour distance %.1f within topics, %.1f across", same, other)
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
