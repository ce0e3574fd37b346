package flickr

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlexInt(t *testing.T) {
	tests := []struct {
		in   string
		want flexInt
		err  bool
	}{
		{in: `3`, want: 3}, {in: `"1253"`, want: 1253}, {in: `""`, want: 0}, {in: `null`, want: 0},
		{in: `" 7 "`, want: 7}, {in: `1.0`, want: 1}, {in: `1e3`, want: 1000}, {in: `true`, want: 1},
		{in: `"x"`, err: true}, {in: `1.5`, err: true}, {in: `{}`, err: true}, {in: `[1]`, err: true},
	}
	for _, tt := range tests {
		var got flexInt
		err := got.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("flexInt(%s) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFlexString(t *testing.T) {
	tests := []struct {
		in   string
		want flexString
		err  bool
	}{
		{in: `"bob"`, want: "bob"}, {in: `{"_content":"bob"}`, want: "bob"}, {in: `{"_content":487}`, want: "487"},
		{in: `65535`, want: "65535"}, {in: `null`, want: ""}, {in: `{}`, want: ""}, {in: `false`, want: "false"},
		{in: `[]`, err: true},
	}
	for _, tt := range tests {
		var got flexString
		err := got.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("flexString(%s) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCheckReplyJSONP(t *testing.T) {
	_, err := checkReply("m", []byte(`jsonFlickrApi({"stat":"fail","code":"1","message":"User not found"})`))
	want := &APIError{Method: "m", Code: 1, Message: "User not found"}
	var got *APIError
	if !errors.As(err, &got) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := checkReply("m", []byte(`<html>502</html>`)); err == nil {
		t.Error("html body accepted")
	}
	if _, err := checkReply("m", []byte(`{"stat":"maybe"}`)); err == nil {
		t.Error("unknown stat accepted")
	}
}

// FuzzDecodeReply feeds arbitrary bodies to every decoder: none may panic, and what decodes
// must be well-formed.
func FuzzDecodeReply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"stat":"ok"}`, `{"stat":"ok","photos":null}`, `{"stat":"ok","photos":{"photo":null}}`,
		`{"stat":"ok","photos":{"page":"1","photo":[{"id":123,"farm":"x"}]}}`,
		`{"stat":"ok","user":{"id":null,"username":{"_content":null}}}`,
		`jsonFlickrApi({"stat":"ok","person":{"nsid":"1@N01","iconserver":"-1"}})`, `(`, `)(`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if pg, err := decodePhotoPage("m", body); err == nil {
			for _, p := range pg.Photos {
				if p.ID == "" {
					t.Fatalf("photo without id decoded from %q", body)
				}
			}
		} else {
			checkAPIError(t, err)
		}
		if pg, err := decodeContactPage("m", body); err == nil {
			for _, c := range pg.Contacts {
				if c.NSID == "" || c.IconURL == "" {
					t.Fatalf("contact %+v decoded from %q", c, body)
				}
			}
		}
		if p, err := decodePerson("m", body); err == nil && (p.NSID == "" || p.IconURL == "") {
			t.Fatalf("person %+v decoded from %q", p, body)
		}
		if u, err := decodeUser("m", body); err == nil && u.NSID == "" {
			t.Fatalf("user without nsid decoded from %q", body)
		}
		if id, err := decodeCommentID("m", body); err == nil && id == "" {
			t.Fatalf("empty comment id decoded from %q", body)
		}
		if at, err := parseAccessToken(body); err == nil && (at.UserNSID == "" || at.Token.Token == "") {
			t.Fatalf("access token %+v parsed from %q", at, body)
		}
	})
}

func checkAPIError(t *testing.T, err error) {
	t.Helper()
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Method != "m" {
		t.Fatalf("APIError %+v lost its method", apiErr)
	}
}

func TestDisplay(t *testing.T) {
	q := Size{"q.jpg", 150, 150}
	m := Size{"m.jpg", 500, 375}
	z := Size{"z.jpg", 640, 480}
	c := Size{"c.jpg", 800, 600}
	l := Size{"l.jpg", 1024, 768}
	tests := []struct {
		name  string
		photo Photo
		want  Size
	}{
		{"every size", Photo{Thumb: q, Medium: m, Medium640: z, Medium800: c, Large: l}, l},
		{"no url_l", Photo{Thumb: q, Medium: m, Medium640: z, Medium800: c}, c},
		{"no url_l or url_c", Photo{Thumb: q, Medium: m, Medium640: z}, z},
		{"url_m only", Photo{Thumb: q, Medium: m}, m},
		{"url_l without dimensions", Photo{Medium: m, Large: Size{URL: "l.jpg"}}, Size{URL: "l.jpg"}},
		{"thumbnail only", Photo{Thumb: q}, Size{}},
		{"nothing", Photo{}, Size{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.photo.Display(); got != tt.want {
				t.Errorf("Display() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// realKinds are the JSON types real replies use for the fields the fixtures hold (reference
// §1.1 and §3): flags, farms and page numbers are numbers, IDs and unix times strings, pages and
// total either (older replies sent strings), path aliases a string or null.
var realKinds = map[string][]string{
	"farm": {"number"}, "iconfarm": {"number"}, "ispublic": {"number"}, "isfriend": {"number"},
	"isfamily": {"number"}, "ispro": {"number"}, "is_deleted": {"number"}, "has_stats": {"number"},
	"ignored": {"number"}, "rev_ignored": {"number"}, "page": {"number"}, "perpage": {"number"},
	"per_page": {"number"}, "code": {"number"},
	"pages": {"number", "digits"}, "total": {"number", "digits"},
	"id": {"string"}, "nsid": {"string"}, "owner": {"string"}, "secret": {"string"}, "server": {"string"},
	"iconserver": {"digits"}, "date_faved": {"digits"}, "dateupload": {"digits"}, "datecreate": {"digits"},
	"path_alias": {"string", "null"}, "pathalias": {"string", "null"},
}

// TestFixturesFollowRealReplies keeps the golden fixtures to the shapes captured replies show, so
// the client is tested (and the simulator checked, see flickrtest) against real replies only; the
// decoders' tolerance of other shapes is tested on their own (TestFlexInt, TestFlexString).
func TestFixturesFollowRealReplies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	kind := func(v any) string {
		switch v := v.(type) {
		case nil:
			return "null"
		case float64:
			return "number"
		case string:
			if v != "" && strings.Trim(v, "0123456789") == "" {
				return "digits"
			}
			return "string"
		case map[string]any:
			return "object"
		case []any:
			return "array"
		}
		return fmt.Sprintf("%T", v)
	}
	var walk func(file, at string, v any)
	walk = func(file, at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if want, ok := realKinds[k]; ok {
					got := kind(x)
					if !slices.Contains(want, got) && (got != "digits" || !slices.Contains(want, "string")) {
						t.Errorf("%s: %s%s is a %s (%v), real replies send %v", file, at, k, got, x, want)
					}
				}
				walk(file, at+k+".", x)
			}
		case []any:
			for _, x := range v {
				walk(file, at+"[].", x)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(filepath.Base(f), "", v)
	}
}
