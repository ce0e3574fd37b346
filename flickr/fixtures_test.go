package flickr

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixtureServer answers every REST call with one testdata file and records the requests.
type fixtureServer struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	file   string
	reqs   []*http.Request
	forms  []map[string]string
}

func newFixtureServer(t *testing.T) *fixtureServer {
	t.Helper()
	f := &fixtureServer{t: t, status: http.StatusOK}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("parse form: %v", err)
		}
		form := map[string]string{}
		for k := range r.Form {
			form[k] = r.Form.Get(k)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, r)
		f.forms = append(f.forms, form)
		status, file := f.status, f.file
		f.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write(fixture(t, file))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixtureServer) serve(status int, file string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.file = status, file
	f.reqs, f.forms = nil, nil
}

func (f *fixtureServer) lastForm() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.forms) == 0 {
		f.t.Fatal("no request was made")
	}
	return f.forms[len(f.forms)-1]
}

func (f *fixtureServer) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatalf("fixture: %v", err)
	}
	return b
}

func newTestClient(t *testing.T, base string, mod func(*Options)) *Client {
	t.Helper()
	o := Options{
		APIKey: "photorec-test-key", APISecret: "photorec-test-secret",
		APIBase: base + "/services/rest/", OAuthBase: base + "/services/oauth/",
		Limiter: Unlimited, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

var testToken = Token{Token: "72157720318042413-abcdef", Secret: "a1b2c3"}

func TestDecodeFixtures(t *testing.T) {
	fs := newFixtureServer(t)
	c := newTestClient(t, fs.srv.URL, nil)
	ctx := context.Background()
	george := Photo{
		ID: "53637883806", Owner: "34427469121@N01", OwnerName: "George", Title: "Guess where",
		Secret: "ff06bb5c65", Server: "65535", Farm: 66, FavedAt: unix(1712509720),
		Thumb:  Size{"https://live.staticflickr.com/65535/53637883806_ff06bb5c65_q.jpg", 150, 150},
		Medium: Size{"https://live.staticflickr.com/65535/53637883806_ff06bb5c65.jpg", 500, 375},
		Large:  Size{"https://live.staticflickr.com/65535/53637883806_ff06bb5c65_b.jpg", 1024, 768},
	}
	stewart := Photo{
		ID: "8531276513", Owner: "12037949754@N01", OwnerName: "Stewart", Secret: "3a1b2c4d5e",
		Server: "8366", Farm: 9, FavedAt: unix(1459772801),
		Thumb:  Size{"https://live.staticflickr.com/8366/8531276513_3a1b2c4d5e_q.jpg", 150, 150},
		Medium: Size{"https://live.staticflickr.com/8366/8531276513_3a1b2c4d5e.jpg", 500, 333},
		Large:  Size{"https://live.staticflickr.com/8366/8531276513_3a1b2c4d5e_b.jpg", 1024, 683},
	}
	tests := []struct {
		name     string
		file     string
		do       func() (any, error)
		want     any
		wantForm map[string]string // subset of the request's params
	}{
		{
			name: "favorites mixed types", file: "favorites_getPublicList.json",
			do:   func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{}) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 3, PerPage: 100, Total: 251}, Photos: []Photo{george, stewart}},
			wantForm: map[string]string{"method": "flickr.favorites.getPublicList", "user_id": "1@N01", "per_page": "500",
				"page": "1", "api_key": "photorec-test-key", "format": "json", "nojsoncallback": "1",
				"extras": "owner_name,icon_server,date_faved,url_q,url_m,url_z,url_c,url_l"},
		},
		{
			// owners with a buddy icon on two servers, and one without ("0", iconfarm 0)
			name: "favorites with owner icons", file: "favorites_getPublicList_icon_server.json",
			do: func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{}) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 1, PerPage: 500, Total: 3}, Photos: []Photo{
				{ID: "53637883806", Owner: "34427469121@N01", OwnerName: "George", Title: "Guess where",
					Secret: "ff06bb5c65", Server: "65535", Farm: 66, FavedAt: unix(1712509720),
					OwnerIconServer: "65535", OwnerIconFarm: 66,
					OwnerIconURL: "https://farm66.staticflickr.com/65535/buddyicons/34427469121@N01.jpg"},
				{ID: "8531276513", Owner: "12037949754@N01", OwnerName: "Stewart",
					Secret: "3a1b2c4d5e", Server: "8366", Farm: 9, FavedAt: unix(1459772801),
					OwnerIconServer: "7", OwnerIconFarm: 8,
					OwnerIconURL: "https://farm8.staticflickr.com/7/buddyicons/12037949754@N01.jpg"},
				{ID: "7061346447", Owner: "199258389@N04", OwnerName: "quietviewer", Title: "Small scan",
					Secret: "9c8b7a6d5e", Server: "7276", Farm: 8, FavedAt: unix(1629915199),
					OwnerIconServer: "0", OwnerIconURL: "https://www.flickr.com/images/buddyicon.gif"},
			}},
		},
		{
			name: "favorites string paging and min_fave_date", file: "favorites_getPublicList_string_paging.json",
			do: func() (any, error) {
				return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{Page: 2, PerPage: 3, MinFaveDate: unix(1441000000)})
			},
			want: PhotoPage{Page: Page{Page: 2, Pages: 1253, PerPage: 3, Total: 3757}, Photos: []Photo{{
				ID: "20978567063", Owner: "22655521@N07", OwnerName: "fogwatcher", Title: "Morning fog",
				Secret: "0f1e2d3c4b", Server: "5778", Farm: 6, FavedAt: unix(1441915873),
				Thumb:  Size{"https://live.staticflickr.com/5778/20978567063_0f1e2d3c4b_q.jpg", 150, 150},
				Medium: Size{"https://live.staticflickr.com/5778/20978567063_0f1e2d3c4b.jpg", 500, 375},
				Large:  Size{"https://live.staticflickr.com/5778/20978567063_0f1e2d3c4b_b.jpg", 1024, 768},
			}}},
			wantForm: map[string]string{"page": "2", "per_page": "3", "min_fave_date": "1441000000"},
		},
		{
			name: "favorites empty", file: "favorites_getPublicList_empty.json",
			do:   func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{PerPage: 9999}) },
			want: PhotoPage{Page: Page{Page: 1, PerPage: 500}, Photos: []Photo{}}, wantForm: map[string]string{"per_page": "500"},
		},
		{
			name: "favorites empty, string total, no photo array", file: "favorites_getPublicList_empty_string_total.json",
			do:   func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{}) },
			want: PhotoPage{Page: Page{Page: 1, PerPage: 500}, Photos: []Photo{}},
		},
		{
			name: "favorites missing url_l", file: "favorites_getPublicList_missing_url_l.json",
			do: func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{}) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 1, PerPage: 500, Total: 1}, Photos: []Photo{{
				ID: "7061346447", Owner: "61021753@N02", OwnerName: "Archive Scans", Title: "Small scan",
				Secret: "9c8b7a6d5e", Server: "7276", Farm: 8, FavedAt: unix(1629915199),
				Thumb:  Size{"https://live.staticflickr.com/7276/7061346447_9c8b7a6d5e_q.jpg", 150, 150},
				Medium: Size{"https://live.staticflickr.com/7276/7061346447_9c8b7a6d5e.jpg", 500, 400},
			}}},
		},
		{
			// no url_l (originals under 1024), url_c and url_z instead; dimensions as numbers,
			// strings, absent or nonsense
			name: "favorites medium sizes", file: "favorites_getPublicList_medium_sizes.json",
			do: func() (any, error) { return c.PublicFavorites(ctx, "1@N01", FavoritesQuery{}) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 1, PerPage: 500, Total: 3}, Photos: []Photo{
				{ID: "52551849781", Owner: "141852728@N05", OwnerName: "Lena", Title: "Dunes",
					Secret: "526ea6e748", Server: "65535", Farm: 66, FavedAt: unix(1671200000),
					Thumb:     Size{"https://live.staticflickr.com/65535/52551849781_526ea6e748_q.jpg", 150, 150},
					Medium:    Size{"https://live.staticflickr.com/65535/52551849781_526ea6e748.jpg", 500, 333},
					Medium640: Size{"https://live.staticflickr.com/65535/52551849781_526ea6e748_z.jpg", 640, 427},
					Medium800: Size{"https://live.staticflickr.com/65535/52551849781_526ea6e748_c.jpg", 800, 533}},
				{ID: "52551849782", Owner: "141852728@N05", OwnerName: "Lena", Title: "Tower",
					Secret: "1a2b3c4d5e", Server: "65535", Farm: 66, FavedAt: unix(1671100000),
					Thumb:     Size{"https://live.staticflickr.com/65535/52551849782_1a2b3c4d5e_q.jpg", 150, 150},
					Medium:    Size{"https://live.staticflickr.com/65535/52551849782_1a2b3c4d5e.jpg", 469, 500},
					Medium640: Size{"https://live.staticflickr.com/65535/52551849782_1a2b3c4d5e_z.jpg", 600, 640}},
				{ID: "52551849783", Owner: "141852728@N05", OwnerName: "Lena", Title: "Pier",
					Secret: "5e4d3c2b1a", Server: "65535", Farm: 66, FavedAt: unix(1671000000),
					Medium: Size{URL: "https://live.staticflickr.com/65535/52551849783_5e4d3c2b1a.jpg"},
					Large:  Size{URL: "https://live.staticflickr.com/65535/52551849783_5e4d3c2b1a_b.jpg"}},
			}},
		},
		{
			name: "public photos", file: "people_getPublicPhotos.json",
			do: func() (any, error) { return c.PublicPhotos(ctx, "199246608@N02", 0, 0) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 5, PerPage: 100, Total: 487}, Photos: []Photo{{
				ID: "53373661077", Owner: "199246608@N02", OwnerName: "cefarrjf87", Title: "Harbor at dusk",
				Secret: "a1b2c3d4e5", Server: "65535", Farm: 66,
				Thumb:  Size{"https://live.staticflickr.com/65535/53373661077_a1b2c3d4e5_q.jpg", 150, 150},
				Medium: Size{"https://live.staticflickr.com/65535/53373661077_a1b2c3d4e5.jpg", 500, 333},
				Large:  Size{"https://live.staticflickr.com/65535/53373661077_a1b2c3d4e5_b.jpg", 1024, 683},
			}}},
			wantForm: map[string]string{"method": "flickr.people.getPublicPhotos", "user_id": "199246608@N02",
				"extras": "owner_name,icon_server,url_q,url_m,url_z,url_c,url_l"},
		},
		{
			name: "public photos with owner icon", file: "people_getPublicPhotos_icon_server.json",
			do: func() (any, error) { return c.PublicPhotos(ctx, "199246608@N02", 0, 0) },
			want: PhotoPage{Page: Page{Page: 1, Pages: 5, PerPage: 100, Total: 487}, Photos: []Photo{{
				ID: "53373661077", Owner: "199246608@N02", OwnerName: "cefarrjf87", Title: "Harbor at dusk",
				Secret: "a1b2c3d4e5", Server: "65535", Farm: 66,
				Thumb:           Size{"https://live.staticflickr.com/65535/53373661077_a1b2c3d4e5_q.jpg", 150, 150},
				OwnerIconServer: "65535", OwnerIconFarm: 66,
				OwnerIconURL: "https://farm66.staticflickr.com/65535/buddyicons/199246608@N02.jpg",
			}}},
		},
		{
			name: "person", file: "people_getInfo.json",
			do: func() (any, error) { return c.PersonInfo(ctx, "192376927@N06") },
			want: Person{NSID: "192376927@N06", Username: "st0o0", Realname: "Jan Schloots", IconServer: "65535", IconFarm: 66,
				IconURL:    "https://farm66.staticflickr.com/65535/buddyicons/192376927@N06.jpg",
				PhotosURL:  "https://www.flickr.com/photos/192376927@N06/",
				ProfileURL: "https://www.flickr.com/people/192376927@N06/"},
			wantForm: map[string]string{"method": "flickr.people.getInfo", "user_id": "192376927@N06"},
		},
		{
			name: "person without icon or realname", file: "people_getInfo_no_icon.json",
			do: func() (any, error) { return c.PersonInfo(ctx, "199258389@N04") },
			want: Person{NSID: "199258389@N04", Username: "quietviewer", IconServer: "0",
				IconURL:    "https://www.flickr.com/images/buddyicon.gif",
				PhotosURL:  "https://www.flickr.com/photos/199258389@N04/",
				ProfileURL: "https://www.flickr.com/people/199258389@N04/"},
		},
		{
			name: "lookup url", file: "urls_lookupUser.json",
			do:   func() (any, error) { return c.LookupUser(ctx, "https://www.flickr.com/photos/flickrfoundation/") },
			want: UserRef{NSID: "197130754@N07", Username: "Flickr Foundation"},
			wantForm: map[string]string{"method": "flickr.urls.lookupUser",
				"url": "https://www.flickr.com/photos/flickrfoundation/"},
		},
		{
			name: "find by username", file: "people_findByUsername.json",
			do:       func() (any, error) { return c.LookupUser(ctx, "  Stewart ") },
			want:     UserRef{NSID: "12037949632@N01", Username: "Stewart"},
			wantForm: map[string]string{"method": "flickr.people.findByUsername", "username": "Stewart"},
		},
		{
			name: "find by username, nsid only", file: "people_findByUsername_nsid_only.json",
			do:       func() (any, error) { return c.LookupUser(ctx, "Stewart Butterfield") },
			want:     UserRef{NSID: "12037949632@N01", Username: "Stewart"},
			wantForm: map[string]string{"username": "Stewart Butterfield"},
		},
		{
			name: "contacts", file: "contacts_getPublicList.json",
			do: func() (any, error) { return c.PublicContacts(ctx, "1@N01", 0, 0) },
			want: ContactPage{Page: Page{Page: 1, Pages: 1, PerPage: 1000, Total: 2}, Contacts: []Contact{
				{NSID: "12037949629@N01", Username: "Eric", IconServer: "1", IconFarm: 1,
					IconURL: "https://farm1.staticflickr.com/1/buddyicons/12037949629@N01.jpg"},
				{NSID: "12037949754@N01", Username: "Sara", IconServer: "0",
					IconURL: "https://www.flickr.com/images/buddyicon.gif"},
			}},
			wantForm: map[string]string{"method": "flickr.contacts.getPublicList", "per_page": "1000"},
		},
		{
			name: "add comment", file: "photos_comments_addComment.json",
			do:   func() (any, error) { return c.AddComment(ctx, testToken, "53373661077", "comment text") },
			want: "199226260-53373661077-72157720318042413",
			wantForm: map[string]string{"method": "flickr.photos.comments.addComment", "photo_id": "53373661077",
				"comment_text": "comment text"},
		},
		{
			name: "add favorite", file: "favorites_add.json",
			do:   func() (any, error) { return nil, c.AddFavorite(ctx, testToken, "53373661077") },
			want: nil, wantForm: map[string]string{"method": "flickr.favorites.add", "photo_id": "53373661077"},
		},
		{
			name: "remove favorite", file: "favorites_add.json",
			do:   func() (any, error) { return nil, c.RemoveFavorite(ctx, testToken, "53373661077") },
			want: nil, wantForm: map[string]string{"method": "flickr.favorites.remove"},
		},
		{
			name: "test login", file: "test_login.json",
			do:       func() (any, error) { return c.TestLogin(ctx, testToken) },
			want:     UserRef{NSID: "21207597@N07", Username: "jamalfanaian"},
			wantForm: map[string]string{"method": "flickr.test.login"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs.serve(http.StatusOK, tt.file)
			got, err := tt.do()
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			form := fs.lastForm()
			for k, v := range tt.wantForm {
				if form[k] != v {
					t.Errorf("param %s = %q, want %q", k, form[k], v)
				}
			}
		})
	}
}

func TestSignedWritesArePostsWithFormBody(t *testing.T) {
	fs := newFixtureServer(t)
	c := newTestClient(t, fs.srv.URL, nil)
	fs.serve(http.StatusOK, "favorites_add.json")
	if err := c.AddFavorite(context.Background(), testToken, "42"); err != nil {
		t.Fatal(err)
	}
	r := fs.reqs[0]
	if r.Method != http.MethodPost {
		t.Errorf("method = %s, want POST", r.Method)
	}
	if r.URL.RawQuery != "" {
		t.Errorf("query = %q, want params in the body only", r.URL.RawQuery)
	}
	auth := r.Header.Get("Authorization")
	for _, want := range []string{`oauth_token="72157720318042413-abcdef"`, `oauth_consumer_key="photorec-test-key"`,
		`oauth_signature_method="HMAC-SHA1"`, `oauth_signature="`} {
		if !strings.Contains(auth, want) {
			t.Errorf("Authorization %q lacks %s", auth, want)
		}
	}
	if got := fs.lastForm()["api_key"]; got != "" {
		t.Errorf("signed call carries api_key %q, want none", got)
	}
}

func TestErrorFixtures(t *testing.T) {
	fs := newFixtureServer(t)
	c := newTestClient(t, fs.srv.URL, func(o *Options) { o.MaxRetries = 2 })
	ctx := context.Background()
	getInfo := func() error { _, err := c.PersonInfo(ctx, "1@N01"); return err }
	tests := []struct {
		name      string
		status    int
		file      string
		do        func() error
		is        []error
		wantAPI   *APIError
		wantHTTP  *HTTPError
		wantCalls int // 1 = not retried, 3 = retried MaxRetries times
	}{
		{name: "user not found", file: "error_user_not_found.json", do: getInfo, is: []error{ErrNotFound},
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 1, Message: "User not found"}, wantCalls: 1},
		{name: "user deleted", file: "error_user_deleted.json", do: getInfo, is: []error{ErrNotFound},
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 5, Message: "User deleted"}, wantCalls: 1},
		{name: "photo not found", file: "error_photo_not_found.json",
			do: func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err }, is: []error{ErrNotFound},
			wantAPI: &APIError{Method: "flickr.photos.comments.addComment", Code: 1, Message: `Photo "1" not found (invalid ID)`}, wantCalls: 1},
		{name: "comment too fast", file: "error_comment_too_fast.json",
			do:      func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			wantAPI: &APIError{Method: "flickr.photos.comments.addComment", Code: 9, Message: "User is posting comments too fast."}, wantCalls: 1},
		{name: "invalid token", file: "error_invalid_auth_token.json",
			do: func() error { _, err := c.TestLogin(ctx, testToken); return err }, is: []error{ErrInvalidToken},
			wantAPI: &APIError{Method: "flickr.test.login", Code: 98, Message: "Invalid auth token"}, wantCalls: 1},
		{name: "insufficient permissions", file: "error_insufficient_permissions.json",
			do: func() error { return c.AddFavorite(ctx, testToken, "1") }, is: []error{ErrInsufficientPermissions},
			wantAPI: &APIError{Method: "flickr.favorites.add", Code: 99,
				Message: "Insufficient permissions. Method requires read privileges; none granted."}, wantCalls: 1},
		{name: "insufficient permissions on a comment", file: "error_insufficient_permissions.json",
			do: func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			is: []error{ErrInsufficientPermissions, ErrCommentsNotAllowed},
			wantAPI: &APIError{Method: "flickr.photos.comments.addComment", Code: 99,
				Message: "Insufficient permissions. Method requires read privileges; none granted."}, wantCalls: 1},
		{name: "comments turned off", file: "error_comments_not_allowed.json",
			do: func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			is: []error{ErrCommentsNotAllowed, ErrInsufficientPermissions},
			wantAPI: &APIError{Method: "flickr.photos.comments.addComment", Code: 99,
				Message: "Insufficient permission to comment"}, wantCalls: 1},
		{name: "invalid api key", file: "error_invalid_api_key.json", do: getInfo,
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 100, Message: "Invalid API Key (Key has invalid format)"}, wantCalls: 1},
		{name: "method not found", file: "error_method_not_found.json", do: getInfo,
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 112, Message: `Method "flickr.nope" not found`}, wantCalls: 1},
		{name: "service unavailable is retried", file: "error_service_unavailable.json", do: getInfo,
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 105, Message: "Service currently unavailable"}, wantCalls: 3},
		{name: "write failed is retried", file: "error_write_failed.json",
			do:      func() error { return c.AddFavorite(ctx, testToken, "1") },
			wantAPI: &APIError{Method: "flickr.favorites.add", Code: 106, Message: "Write operation failed"}, wantCalls: 3},
		{name: "write failed is not retried for comments", file: "error_write_failed.json",
			do:      func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			wantAPI: &APIError{Method: "flickr.photos.comments.addComment", Code: 106, Message: "Write operation failed"}, wantCalls: 1},
		{name: "code 201 is retried", file: "error_api_not_available.json", do: getInfo,
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 201, Message: "Sorry, the Flickr API service is not currently available."}, wantCalls: 3},
		{name: "code 0 is retried", file: "error_code_0.json", do: getInfo,
			wantAPI: &APIError{Method: "flickr.people.getInfo", Code: 0, Message: "Sorry, the Flickr API service is not currently available."}, wantCalls: 3},
		{name: "429 is retried", status: http.StatusTooManyRequests, file: "error_429.html", do: getInfo,
			is: []error{ErrRateLimited}, wantHTTP: &HTTPError{Method: "flickr.people.getInfo", Status: 429}, wantCalls: 3},
		{name: "429 is retried for comments", status: http.StatusTooManyRequests, file: "error_429.html",
			do:       func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			is:       []error{ErrRateLimited},
			wantHTTP: &HTTPError{Method: "flickr.photos.comments.addComment", Status: 429}, wantCalls: 3},
		{name: "502 is retried", status: http.StatusBadGateway, file: "error_429.html", do: getInfo,
			wantHTTP: &HTTPError{Method: "flickr.people.getInfo", Status: 502}, wantCalls: 3},
		{name: "502 is not retried for comments", status: http.StatusBadGateway, file: "error_429.html",
			do:       func() error { _, err := c.AddComment(ctx, testToken, "1", "x"); return err },
			wantHTTP: &HTTPError{Method: "flickr.photos.comments.addComment", Status: 502}, wantCalls: 1},
		{name: "401 signature invalid", status: http.StatusUnauthorized, file: "oauth_401_signature_invalid.txt",
			do: func() error { _, err := c.AddComment(ctx, testToken, "1", "hello"); return err }, is: []error{ErrUnauthorized},
			wantHTTP: &HTTPError{Method: "flickr.photos.comments.addComment", Status: 401, Problem: "signature_invalid"}, wantCalls: 1},
		{name: "400 parameter absent", status: http.StatusBadRequest, file: "oauth_400_parameter_absent.txt",
			do: func() error { _, err := c.AddComment(ctx, testToken, "1", "hello"); return err }, is: []error{ErrUnauthorized},
			wantHTTP: &HTTPError{Method: "flickr.photos.comments.addComment", Status: 400, Problem: "parameter_absent"}, wantCalls: 1},
		{name: "400 parameter absent on a token step", status: http.StatusBadRequest, file: "oauth_400_parameter_absent.txt",
			do: func() error { _, err := c.RequestToken(ctx, "oob"); return err }, is: []error{ErrUnauthorized},
			wantHTTP: &HTTPError{Method: "oauth.request_token", Status: 400, Problem: "parameter_absent"}, wantCalls: 1},
		{name: "400 without an oauth_problem is a plain http error", status: http.StatusBadRequest, file: "error_429.html", do: getInfo,
			wantHTTP: &HTTPError{Method: "flickr.people.getInfo", Status: 400}, wantCalls: 1},
		{name: "404 is permanent", status: http.StatusNotFound, file: "error_429.html", do: getInfo,
			wantHTTP: &HTTPError{Method: "flickr.people.getInfo", Status: 404}, wantCalls: 1},
	}
	sentinels := []error{ErrNotFound, ErrRateLimited, ErrUnauthorized, ErrInvalidToken, ErrInsufficientPermissions, ErrCommentsNotAllowed}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			fs.serve(status, tt.file)
			err := tt.do()
			if err == nil {
				t.Fatal("err = nil")
			}
			if tt.wantAPI != nil {
				var got *APIError
				if !errors.As(err, &got) {
					t.Fatalf("err %v is not an *APIError", err)
				}
				if diff := cmp.Diff(tt.wantAPI, got); diff != "" {
					t.Errorf("APIError (-want +got):\n%s", diff)
				}
			}
			if tt.wantHTTP != nil {
				var got *HTTPError
				if !errors.As(err, &got) {
					t.Fatalf("err %v is not an *HTTPError", err)
				}
				if diff := cmp.Diff(tt.wantHTTP, got); diff != "" {
					t.Errorf("HTTPError (-want +got):\n%s", diff)
				}
			}
			for _, s := range sentinels {
				want := false
				for _, w := range tt.is {
					want = want || errors.Is(w, s)
				}
				if got := errors.Is(err, s); got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
			if got := fs.calls(); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if strings.Contains(err.Error(), "debug_sbs") || strings.Contains(err.Error(), testToken.Secret) {
				t.Errorf("error text leaks the signed request: %v", err)
			}
		})
	}
}

func TestIdempotentWrites(t *testing.T) {
	fs := newFixtureServer(t)
	c := newTestClient(t, fs.srv.URL, nil)
	fs.serve(http.StatusOK, "error_already_favorite.json")
	if err := c.AddFavorite(context.Background(), testToken, "1"); err != nil {
		t.Errorf("add of an existing favorite: %v, want nil", err)
	}
	fs.serve(http.StatusOK, "error_photo_not_found.json")
	if err := c.RemoveFavorite(context.Background(), testToken, "1"); err != nil {
		t.Errorf("remove of a non-favorite: %v, want nil", err)
	}
	if err := c.AddFavorite(context.Background(), testToken, "1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("add of an unknown photo: %v, want ErrNotFound", err)
	}
}
