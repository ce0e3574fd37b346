package flickrtest

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hook returns the inner text of the element with id in an HTML page, or "" when absent.
func hook(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// attr returns attribute name of the element with id, or "" when absent.
func attr(body, id, name string) string {
	m := regexp.MustCompile(`<[^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*\s` + name + `="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func faverCount(w *World, photo string) int {
	n := 0
	for _, u := range w.Users() {
		if faved(w, u.NSID, photo) {
			n++
		}
	}
	return n
}

func TestPhotoAndProfilePages(t *testing.T) {
	w := TinyWorld(31)
	s := Start(t, w, Options{})
	owner := heavyUser(t, w, 1)
	for _, u := range w.Users() {
		if u.Uploads > 3 && u.Realname != "" {
			owner = u
			break
		}
	}
	photos := w.PhotosOf(owner.NSID)
	var photo Photo
	for _, p := range photos {
		if p.Title != "" && faverCount(w, p.ID) > 0 {
			photo = p
			break
		}
	}
	if photo.ID == "" {
		t.Fatal("no titled, faved photo")
	}
	faver := w.Users()[0]
	if faver.NSID == owner.NSID || faved(w, faver.NSID, photo.ID) {
		faver = w.Users()[1]
	}
	if err := w.AddFave(faver.NSID, photo.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	gone := w.Users()[2]
	w.DeleteUser(gone.NSID)
	other := w.Users()[3]

	t.Run("photo page", func(t *testing.T) {
		r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/photos/"+owner.NSID+"/"+photo.ID+"/"))
		if r.status != http.StatusOK || r.ctype != "text/html; charset=utf-8" {
			t.Fatalf("status %d %s: %s", r.status, r.ctype, r.body)
		}
		got := map[string]string{"title": hook(r.body, "photo-title"), "image": attr(r.body, "photo-image", "src"),
			"owner": hook(r.body, "photo-owner"), "owner_href": attr(r.body, "photo-owner", "href"), "faves": hook(r.body, "photo-faves")}
		want := map[string]string{"title": template.HTMLEscapeString(photo.Title),
			"image": "/" + photo.Server + "/" + photo.ID + "_" + photo.Secret + "_b.jpg",
			"owner": template.HTMLEscapeString(owner.Realname), "owner_href": "/photos/" + owner.NSID + "/",
			"faves": strconv.Itoa(faverCount(w, photo.ID))}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("photo page (-want +got):\n%s", diff)
		}
		if img := do(t, nil, mustRequest(t, http.MethodGet, s.URL+got["image"])); img.status != http.StatusOK {
			t.Errorf("photo page image %s: status %d", got["image"], img.status)
		}
	})

	t.Run("profile page", func(t *testing.T) {
		r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/photos/"+owner.NSID+"/"))
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if got, want := strings.TrimSpace(hook(r.body, "profile-name")), ""; got != want {
			t.Errorf("profile-name text before the icon %q, want %q", got, want)
		}
		if !strings.Contains(r.body, `alt=""> `+template.HTMLEscapeString(owner.Realname)+`</h1>`) {
			t.Errorf("profile page lacks the name %q: %s", owner.Realname, r.body)
		}
		if icon := attr(r.body, "profile-icon", "src"); icon == "" || do(t, nil, mustRequest(t, http.MethodGet, s.URL+icon)).status != http.StatusOK {
			t.Errorf("profile icon %q does not load", icon)
		}
		var gotLinks, wantLinks []string
		for _, m := range regexp.MustCompile(`<a href="(/photos/[^"]+)"`).FindAllStringSubmatch(r.body, -1) {
			gotLinks = append(gotLinks, m[1])
		}
		for _, p := range photos {
			wantLinks = append(wantLinks, "/photos/"+owner.NSID+"/"+p.ID+"/")
		}
		if diff := cmp.Diff(wantLinks, gotLinks); diff != "" {
			t.Errorf("profile photo links (-want +got):\n%s", diff)
		}
		for _, link := range gotLinks[:1] {
			if p := do(t, nil, mustRequest(t, http.MethodGet, s.URL+link)); p.status != http.StatusOK {
				t.Errorf("profile link %s: status %d", link, p.status)
			}
		}
	})

	notFound := []struct{ name, path, wantText string }{
		{"unknown photo", "/photos/" + owner.NSID + "/1/", "photo 1 by " + owner.NSID},
		{"photo under another owner", "/photos/" + other.NSID + "/" + photo.ID + "/", "photo " + photo.ID + " by " + other.NSID},
		{"unknown member", "/photos/nobody@N00/", "member nobody@N00"},
		{"deleted member", "/photos/" + gone.NSID + "/", "member " + gone.NSID},
		{"markup in the path is escaped", "/photos/%3Cb%3Ex&amp;/", "member &lt;b&gt;x&amp;amp;"},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+tt.path))
			if r.status != http.StatusNotFound || !strings.HasPrefix(r.ctype, "text/html") {
				t.Fatalf("status %d %s, want a 404 page", r.status, r.ctype)
			}
			if want := "The simulated world has no " + tt.wantText + "."; !strings.Contains(r.body, want) {
				t.Errorf("404 page lacks %q: %s", want, r.body)
			}
		})
	}
}
