package flickrtest

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The authorize page's stable hooks (for keyboard users, chromedp and docs/simulator.md):
//
//	form#authorize-form             POST /services/oauth/authorize
//	input#login-as[name=login_as]   NSID, path alias or username to log in as
//	button#authorize[name=action]   value "authorize": log in as login_as
//	button#cancel[name=action]      value "cancel": back to the simulator home page, no callback
//	button#pick-N[name=pick]        N = 0,1,...: log in at once as the N-th listed user (value = NSID)
//	p#auth-error                    shown when login_as matches no live user
//	code#verifier                   the verifier, shown instead of a redirect for oauth_callback=oob
var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize photorec - Flickr simulator</title></head>
<body>
<main>
<h1>Flickr simulator: authorize an app</h1>
<p>The app wants <strong>{{.Perms}}</strong> access to your simulated Flickr account.</p>
{{if .Error}}<p id="auth-error" role="alert">{{.Error}}</p>{{end}}
<form id="authorize-form" method="post" action="/services/oauth/authorize">
<input type="hidden" name="oauth_token" value="{{.Token}}">
<input type="hidden" name="perms" value="{{.Perms}}">
<p><label for="login-as">Log in as (NSID, path alias or username)</label>
<input id="login-as" name="login_as" type="text" autocomplete="off" autofocus value="{{.LoginAs}}"></p>
<p><button id="authorize" name="action" value="authorize" type="submit">Authorize</button>
<button id="cancel" name="action" value="cancel" type="submit">Cancel</button></p>
<h2>Or pick a user</h2>
<ul>
{{range $i, $u := .Users}}<li><button id="pick-{{$i}}" name="pick" value="{{$u.NSID}}" type="submit" data-nsid="{{$u.NSID}}">Log in as {{$u.Username}}</button>
 {{$u.NSID}}{{if $u.PathAlias}} ({{$u.PathAlias}}){{end}}, {{$u.Faves}} faves, {{$u.Uploads}} photos</li>
{{end}}</ul>
</form>
</main>
</body></html>
`))

var verifierTmpl = template.Must(template.New("verifier").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verifier - Flickr simulator</title></head>
<body><main><h1>Flickr simulator</h1>
<p>Enter this code in the app: <code id="verifier">{{.}}</code></p></main></body></html>
`))

var homeTmpl = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flickr simulator</title></head>
<body><main><h1 id="sim-home">Flickr simulator</h1>
<p>{{.Users}} users, {{.Photos}} photos, {{.Faves}} generated favorites.</p>
<p>REST at <code>/services/rest/</code>, OAuth at <code>/services/oauth/</code>, call counts at
<a href="/_sim/calls">/_sim/calls</a>, faults at <a href="/_sim/faults">/_sim/faults</a>.</p>
</main></body></html>
`))

type authorizePage struct {
	Token, Perms, LoginAs, Error string
	Users                        []User
}

// featuredUsers are the ones listed on the authorize page: the three heaviest favers, then the
// first user with a path alias and the first with a non-ASCII username, without repeats.
func (s *Server) featuredUsers() []User {
	w := s.w
	idx := make([]int32, 0, len(w.nsid))
	for u := range int32(len(w.nsid)) {
		if !w.isDeleted(u) {
			idx = append(idx, u)
		}
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		return int(w.faveOff[b+1]-w.faveOff[b]) - int(w.faveOff[a+1]-w.faveOff[a])
	})
	var pick []int32
	pick = append(pick, idx[:min(3, len(idx))]...)
	for _, u := range idx {
		if w.alias[u] != "" && !slices.Contains(pick, u) {
			pick = append(pick, u)
			break
		}
	}
	for _, u := range idx {
		if asciiOnly(w.username[u]) != w.username[u] && !slices.Contains(pick, u) {
			pick = append(pick, u)
			break
		}
	}
	out := make([]User, len(pick))
	for i, u := range pick {
		out[i] = w.user(u)
	}
	return out
}

func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 {
			return r
		}
		return -1
	}, s)
}

func (s *Server) handleHome(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homeTmpl.Execute(rw, map[string]int{"Users": s.w.NumUsers(), "Photos": s.w.NumPhotos(), "Faves": s.w.NumFaves()})
}

// handleAuthorize is step 2: GET shows the page, POST logs in as the chosen user and redirects.
func (s *Server) handleAuthorize(rw http.ResponseWriter, r *http.Request) {
	s.count("oauth.authorize")
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad form", http.StatusBadRequest)
		return
	}
	tok := r.Form.Get("oauth_token")
	perms := r.Form.Get("perms")
	if permLevel(perms) == 0 {
		perms = "read"
	}
	s.mu.Lock()
	rt := s.reqTokens[tok]
	s.mu.Unlock()
	if rt == nil {
		http.Error(rw, "Oops! This authorization link is invalid or has expired (unknown oauth_token).", http.StatusBadRequest)
		return
	}
	page := authorizePage{Token: tok, Perms: perms, LoginAs: r.PostForm.Get("login_as")}
	if r.Method != http.MethodPost {
		page.Users = s.featuredUsers()
		s.renderAuthorize(rw, page)
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return
	}
	who := r.PostForm.Get("pick")
	if who == "" {
		who = page.LoginAs
	}
	u, ok := s.w.lookupAny(who)
	if !ok {
		page.Error = "No simulated user matches " + strconvQuote(who) + "."
		page.Users = s.featuredUsers()
		s.renderAuthorize(rw, page)
		return
	}
	s.mu.Lock()
	rt.user, rt.perms, rt.authorized = u, perms, true
	rt.verifier = s.verifierLocked()
	verifier, callback := rt.verifier, rt.callback
	s.mu.Unlock()
	if callback == "oob" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = verifierTmpl.Execute(rw, verifier)
		return
	}
	cb, err := url.Parse(callback)
	if err != nil {
		http.Error(rw, "bad oauth_callback", http.StatusBadRequest)
		return
	}
	q := cb.Query()
	q.Set("oauth_token", tok)
	q.Set("oauth_verifier", verifier)
	cb.RawQuery = q.Encode()
	http.Redirect(rw, r, cb.String(), http.StatusSeeOther)
}

func (s *Server) renderAuthorize(rw http.ResponseWriter, page authorizePage) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = authorizeTmpl.Execute(rw, page)
}

// verifierLocked makes a Flickr-style verifier such as "a1b2c3d4e5f6a7b8".
func (s *Server) verifierLocked() string {
	_, sec := s.newTokenLocked()
	return sec
}

func strconvQuote(s string) string { return `"` + s + `"` }
