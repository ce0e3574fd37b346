package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// raw sends body as is (no JSON re-encoding, which would repair invalid UTF-8) with the
// session's cookies and CSRF token.
func (c *client) raw(method, path, ctype string, body []byte) response {
	c.t.Helper()
	return c.do(method, path, rawBody{ctype: ctype, b: body}, map[string]string{csrfHeader: c.csrf()})
}

// TestCommentRejectsNULAndInvalidUTF8: a comment with a NUL or with bytes that are not UTF-8,
// sent as JSON or as a form, is a 400 and never reaches Flickr; accented text is fine.
func TestCommentRejectsNULAndInvalidUTF8(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	photo := notFavedPhoto(t, c, nsid)
	path := "/api/v1/photos/" + photo + "/comments"
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		ctype  string
		body   string
		status int
		code   string
	}{
		{"json NUL", "application/json", `{"text":"nice\u0000shot"}`, 400, codeInvalidArgument},
		{"json invalid UTF-8", "application/json", "{\"text\":\"nice \xff shot\"}", 400, codeInvalidArgument},
		{"json truncated UTF-8", "application/json", "{\"text\":\"caf\xc3\"}", 400, codeInvalidArgument},
		{"form NUL", form, "text=nice%00shot", 400, codeInvalidArgument},
		{"form invalid UTF-8", form, "text=nice%FFshot", 400, codeInvalidArgument},
		{"json accented", "application/json", `{"text":"très belle lumière"}`, 201, ""},
		{"form accented", form, "text=" + url.QueryEscape("très belle lumière, encore"), 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.raw(http.MethodPost, path, tt.ctype, []byte(tt.body))
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
		})
	}
	if got := len(e.world.Comments(photo)); got != 2 {
		t.Errorf("%d comments reached the simulator, want the 2 accented ones", got)
	}
}

// TestCannotDismissYourself: a member dismissing themselves as a person is a 400 and records
// nothing; an anonymous or foreign attempt is still refused for who it is.
func TestCannotDismissYourself(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	self := "/api/v1/users/" + url.PathEscape(nsid) + "/dismissed/people/" + url.PathEscape(nsid)
	tests := []struct {
		name   string
		c      *client
		status int
		code   string
	}{
		{"owner", c, 400, codeInvalidArgument},
		{"anonymous", e.client(t), 401, codeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.c.send(http.MethodPost, self, nil)
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
		})
	}
	sum, err := e.g.Summary(context.Background(), nsid)
	if err != nil || sum.Dismissals != 0 {
		t.Fatalf("Summary = %+v, %v; want no dismissals", sum, err)
	}
}

// TestStaticDirectoriesAreNotFound: the static directory itself answers 404 not_found (it
// answered 403 invalid_argument), while its files are served.
func TestStaticDirectoriesAreNotFound(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/static/", 404, codeNotFound},
		{"/static", 404, codeNotFound},
		{"/static/nothing.js", 404, codeNotFound},
		{"/static/app.css", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := e.client(t).do(http.MethodGet, tt.path, nil, map[string]string{"Accept": "application/json"})
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
		})
	}
}
