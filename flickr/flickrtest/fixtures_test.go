package flickrtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The client's golden fixtures (flickr/testdata, written from reference/flickr-api.md) define what
// the client decodes. TestRepliesMatchClientFixtures checks that the simulator's replies to the
// same calls have the same keys and JSON value types, recursively.

const fixtureDir = "../testdata"

// jsonKind is a JSON value's type; null is compatible with string (Flickr's path_alias is either).
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func kindsMatch(a, b string) bool {
	return a == b || a == "null" && b == "string" || a == "string" && b == "null"
}

// shapeDiff lists where got's keys or value types differ from want's. Arrays compare every element
// of got against want's first element. Paths in ignore (e.g. "photos.photo") are skipped.
func shapeDiff(at string, want, got any, ignore []string) []string {
	if slices.Contains(ignore, at) {
		return nil
	}
	wk, gk := jsonKind(want), jsonKind(got)
	if !kindsMatch(wk, gk) {
		return []string{fmt.Sprintf("%s: want %s, got %s", at, wk, gk)}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := strings.TrimPrefix(at+"."+k, ".")
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case slices.Contains(ignore, p):
			case !inG:
				out = append(out, p+": missing in simulator reply")
			case !inW:
				out = append(out, p+": not in fixture")
			default:
				out = append(out, shapeDiff(p, wv, gv, ignore)...)
			}
		}
	case []any:
		g := got.([]any)
		if len(w) == 0 {
			return nil
		}
		if len(g) == 0 {
			return []string{at + ": simulator array is empty, fixture's is not"}
		}
		for i, gv := range g {
			if d := shapeDiff(at+"[]", w[0], gv, ignore); len(d) > 0 {
				return append(out, fmt.Sprintf("%s[%d]: %s", at, i, strings.Join(d, "; ")))
			}
		}
	}
	return out
}

func loadFixture(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return v
}

func TestRepliesMatchClientFixtures(t *testing.T) {
	w := TinyWorld(41)
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	plain := Start(t, w, Options{Now: func() time.Time { return now }})
	stringy := Start(t, w, Options{Quirks: Quirks{StringPaging: true}})
	small := Start(t, w, Options{Quirks: Quirks{MissingLarge: true}})

	var heavy, noIcon, iconed User
	for _, u := range w.Users() {
		srv, _ := w.iconOf(w.byNSID[u.NSID])
		switch {
		case heavy.NSID == "" && u.Faves > 100 && u.Uploads > 1 && u.Contacts > 1 && u.Realname != "":
			heavy = u
		case noIcon.NSID == "" && srv == "0":
			noIcon = u
		case iconed.NSID == "" && srv != "0" && u.Realname != "":
			iconed = u
		}
	}
	tok, sec := plain.IssueToken(heavy.NSID, "write")
	c := signedClient(tok, sec)
	readTok, readSec := plain.IssueToken(heavy.NSID, "read")
	faved := w.FavesOf(heavy.NSID)[0].PhotoID
	other := unfavedPhoto(t, w, heavy.NSID)
	extras := "url_q,url_m,url_l,owner_name,path_alias"
	future := fmt.Sprint(now.Add(24 * time.Hour).Unix())

	tests := []struct {
		fixture string
		call    func() reply
		ignore  []string
	}{
		{"favorites_getPublicList.json", func() reply {
			return rest(t, plain, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "extras", extras)
		}, nil},
		{"favorites_getPublicList_icon_server.json", func() reply {
			return rest(t, plain, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "extras", "owner_name,icon_server")
		}, nil},
		{"people_getPublicPhotos_icon_server.json", func() reply {
			return rest(t, plain, "flickr.people.getPublicPhotos", "user_id", heavy.NSID, "extras", "owner_name,icon_server,url_q")
		}, nil},
		{"favorites_getPublicList_string_paging.json", func() reply {
			return rest(t, stringy, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "extras", extras, "per_page", "3", "page", "2")
		}, nil},
		{"favorites_getPublicList_missing_url_l.json", func() reply {
			r := rest(t, small, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "extras", extras, "per_page", "500")
			// keep only the photos without url_l, as in the fixture
			var m map[string]any
			_ = json.Unmarshal([]byte(r.body), &m)
			photos := m["photos"].(map[string]any)
			var kept []any
			for _, p := range photos["photo"].([]any) {
				if _, ok := p.(map[string]any)["url_l"]; !ok {
					kept = append(kept, p)
				}
			}
			photos["photo"] = kept
			b, _ := json.Marshal(m)
			r.body = string(b)
			return r
		}, nil},
		{"favorites_getPublicList_empty.json", func() reply {
			return rest(t, plain, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "min_fave_date", future, "per_page", "500")
		}, nil},
		{"favorites_getPublicList_empty_string_total.json", func() reply {
			return rest(t, stringy, "flickr.favorites.getPublicList", "user_id", heavy.NSID, "min_fave_date", future, "per_page", "500")
			// The fixture shows a rare reply without the array and with only total as a string; the
			// simulator always sends [] and its StringPaging quirk sends pages as a string too.
		}, []string{"photos.photo", "photos.pages"}},
		{"people_getPublicPhotos.json", func() reply {
			return rest(t, plain, "flickr.people.getPublicPhotos", "user_id", heavy.NSID, "extras", extras)
		}, nil},
		{"contacts_getPublicList.json", func() reply {
			return rest(t, plain, "flickr.contacts.getPublicList", "user_id", heavy.NSID)
		}, nil},
		{"people_getInfo.json", func() reply { return rest(t, plain, "flickr.people.getInfo", "user_id", iconed.NSID) }, nil},
		{"people_getInfo_no_icon.json", func() reply {
			return rest(t, plain, "flickr.people.getInfo", "user_id", noIcon.NSID)
		}, []string{"person.realname"}}, // realname is absent only for users without one
		{"people_findByUsername.json", func() reply {
			return rest(t, plain, "flickr.people.findByUsername", "username", heavy.Username)
		}, nil},
		{"urls_lookupUser.json", func() reply {
			return rest(t, plain, "flickr.urls.lookupUser", "url", "https://www.flickr.com/photos/"+heavy.NSID+"/")
		}, nil},
		{"test_login.json", func() reply { return signedGet(t, plain, c, "flickr.test.login") }, nil},
		{"favorites_add.json", func() reply { return signedPost(t, plain, c, "flickr.favorites.add", "photo_id", other) }, nil},
		{"photos_comments_addComment.json", func() reply {
			return signedPost(t, plain, c, "flickr.photos.comments.addComment", "photo_id", faved, "comment_text", "nice")
		}, nil},
		{"error_already_favorite.json", func() reply { return signedPost(t, plain, c, "flickr.favorites.add", "photo_id", faved) }, nil},
		{"error_photo_not_found.json", func() reply { return signedPost(t, plain, c, "flickr.favorites.add", "photo_id", "1") }, nil},
		{"error_user_not_found.json", func() reply { return rest(t, plain, "flickr.people.getInfo", "user_id", "1@N01") }, nil},
		{"error_method_not_found.json", func() reply { return rest(t, plain, "flickr.nope") }, nil},
		{"error_invalid_api_key.json", func() reply { return rest(t, plain, "flickr.people.getInfo", "api_key", "bad") }, nil},
		{"error_invalid_auth_token.json", func() reply {
			return signedGet(t, plain, signedClient("72157-gone", "x"), "flickr.test.login")
		}, nil},
		{"error_insufficient_permissions.json", func() reply { return rest(t, plain, "flickr.test.login") }, nil},
		{"error_comment_too_fast.json", func() reply {
			plain.SetFaults(Faults{CommentTooFast: 1})
			defer plain.SetFaults(Faults{})
			return signedPost(t, plain, signedClient(tok, sec), "flickr.photos.comments.addComment", "photo_id", faved, "comment_text", "x")
		}, nil},
		{"error_comments_not_allowed.json", func() reply {
			plain.SetFaults(Faults{CommentsOff: 1})
			defer plain.SetFaults(Faults{})
			return signedPost(t, plain, signedClient(tok, sec), "flickr.photos.comments.addComment", "photo_id", faved, "comment_text", "x")
		}, nil},
		{"error_service_unavailable.json", func() reply {
			plain.SetFaults(Faults{Unavailable: 1})
			defer plain.SetFaults(Faults{})
			return signedGet(t, plain, signedClient(readTok, readSec), "flickr.test.login")
		}, nil},
		{"error_api_not_available.json", func() reply {
			plain.SetFaults(Faults{APIDown: 1})
			defer plain.SetFaults(Faults{})
			return rest(t, plain, "flickr.people.getInfo", "user_id", heavy.NSID)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.fixture, ".json"), func(t *testing.T) {
			want := loadFixture(t, tt.fixture)
			r := tt.call()
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var got any
			if err := json.Unmarshal([]byte(r.body), &got); err != nil {
				t.Fatalf("reply is not JSON: %v: %q", err, r.body)
			}
			for _, d := range shapeDiff("", want, got, tt.ignore) {
				t.Errorf("%s (reply %s)", d, r.body)
			}
			if code, ok := want.(map[string]any)["code"]; ok && got.(map[string]any)["code"] != code {
				t.Errorf("code %v, fixture has %v", got.(map[string]any)["code"], code)
			}
		})
	}
}

// unfavedPhoto is a photo nsid neither owns nor faved.
func unfavedPhoto(t *testing.T, w *World, nsid string) string {
	t.Helper()
	faved := map[string]bool{}
	for _, f := range w.FavesOf(nsid) {
		faved[f.PhotoID] = true
	}
	for _, u := range w.Users() {
		if u.NSID == nsid {
			continue
		}
		for _, p := range w.PhotosOf(u.NSID) {
			if !faved[p.ID] {
				return p.ID
			}
		}
	}
	t.Fatalf("%s faved every photo", nsid)
	return ""
}

func TestTextRepliesMatchClientFixtures(t *testing.T) {
	w := TinyWorld(42)
	s := Start(t, w, Options{Faults: Faults{RateLimited: 1}})
	r := rest(t, s, "flickr.people.getInfo", "user_id", w.Users()[0].NSID)
	b, err := os.ReadFile(filepath.Join(fixtureDir, "error_429.html"))
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusTooManyRequests || strings.TrimSpace(r.body) != strings.TrimSpace(string(b)) {
		t.Errorf("429: %d %q, want fixture body", r.status, r.body)
	}

	keysOf := func(body string) []string {
		var keys []string
		for kv := range strings.SplitSeq(strings.TrimSpace(body), "&") {
			k, _, _ := strings.Cut(kv, "=")
			keys = append(keys, k)
		}
		return keys
	}
	s.SetFaults(Faults{})
	cfg := oauthConfig(s, "oob")
	req := mustRequest(t, http.MethodPost, cfg.Endpoint.RequestTokenURL)
	req.Header.Set("Authorization", oauthHeader(t, req, map[string]string{"oauth_callback": "oob"}, ""))
	got := do(t, nil, req)
	b, err = os.ReadFile(filepath.Join(fixtureDir, "oauth_request_token.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(string(b)), keysOf(got.body)) {
		t.Errorf("request_token keys %v, fixture %v", keysOf(got.body), keysOf(string(b)))
	}
}
