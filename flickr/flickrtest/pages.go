package flickrtest

import (
	"html/template"
	"net/http"
)

// Photo and profile pages stand in for www.flickr.com/photos/ in the demo, so the app's photo
// and profile links (server.Options.PhotoPageBase) stay inside the simulated world. Their stable
// hooks (for tests and docs/simulator.md):
//
//	GET /photos/{owner}/{id}/   h1#photo-title, img#photo-image (the 1024 variant, or the 500 one
//	                            when the photo has none), a#photo-owner (to the profile page),
//	                            span#photo-faves (current number of favorites)
//	GET /photos/{user}/         h1#profile-name, img#profile-icon (the 100px buddy icon),
//	                            ul#profile-photos of a links to the photo pages (newest first,
//	                            at most profilePhotos), p#profile-count
//
// {owner} and {user} are an NSID or a path alias. Unknown or deleted users and photos, and a
// photo asked for under another owner, get a 404 page.
var photoTmpl = template.Must(template.New("photo").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} - Flickr simulator</title></head>
<body><main>
<h1 id="photo-title">{{.Title}}</h1>
<p><img id="photo-image" src="{{.Image}}" width="{{.Width}}" height="{{.Height}}" alt="{{.Title}}"></p>
<p>by <a id="photo-owner" href="/photos/{{.Owner}}/">{{.OwnerName}}</a>,
<span id="photo-faves">{{.Faves}}</span> faves</p>
</main></body></html>
`))

var profileTmpl = template.Must(template.New("profile").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Name}} - Flickr simulator</title></head>
<body><main>
<h1 id="profile-name"><img id="profile-icon" src="{{.Icon}}" width="100" height="100" alt=""> {{.Name}}</h1>
<p id="profile-count">{{.Uploads}} photos{{if gt .Uploads (len .Photos)}}, the newest {{len .Photos}} shown{{end}}.</p>
<ul id="profile-photos">
{{range .Photos}}<li><a href="/photos/{{$.NSID}}/{{.ID}}/"><img src="{{.Thumb}}" width="150" height="150" alt="{{.Title}}"></a></li>
{{end}}</ul>
</main></body></html>
`))

var notFoundTmpl = template.Must(template.New("404").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found - Flickr simulator</title></head>
<body><main><h1 id="not-found">Page not found</h1>
<p>The simulated world has no {{.}}.</p>
<p><a href="/">Flickr simulator home</a></p></main></body></html>
`))

// profilePhotos is how many photos a profile page shows at most.
const profilePhotos = 120

type photoPage struct {
	Title, Image, Owner, OwnerName string
	Width, Height, Faves           int
}

type profilePage struct {
	NSID, Name, Icon string
	Uploads          int
	Photos           []profilePhoto
}

type profilePhoto struct{ ID, Title, Thumb string }

func (s *Server) handlePhotoPage(rw http.ResponseWriter, r *http.Request) {
	u, ok := s.w.lookupAny(r.PathValue("owner"))
	ph, okPh := s.w.photoIndex(r.PathValue("id"))
	if !ok || !okPh || s.w.photoOwner[ph] != u {
		notFound(rw, "photo "+r.PathValue("id")+" by "+r.PathValue("owner"))
		return
	}
	p := s.w.photo(ph)
	var suffix string
	var wd, ht int
	for _, sz := range photoSizes { // the largest size the photo has
		if w, h, ok := s.size(ph, sz); ok && !sz.square {
			suffix, wd, ht = sz.suffix, w, h
		}
	}
	title := p.Title
	if title == "" {
		title = "Untitled"
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = photoTmpl.Execute(rw, photoPage{Title: title, Image: "/" + p.Server + "/" + p.ID + "_" + p.Secret + suffix + ".jpg",
		Owner: p.Owner, OwnerName: s.w.displayName(u), Width: wd, Height: ht, Faves: s.w.photoFaves(ph)})
}

func (s *Server) handleProfilePage(rw http.ResponseWriter, r *http.Request) {
	u, ok := s.w.lookupAny(r.PathValue("user"))
	if !ok {
		notFound(rw, "member "+r.PathValue("user"))
		return
	}
	w := s.w
	icon := "/img/buddyicon.gif"
	if srv, _ := w.iconOf(u); srv != "0" {
		icon = "/img/" + srv + "/buddyicons/" + w.nsid[u] + "_l.jpg"
	}
	list := w.uploads(u)
	page := profilePage{NSID: w.nsid[u], Name: w.displayName(u), Icon: icon, Uploads: len(list)}
	for _, ph := range list[:min(len(list), profilePhotos)] {
		p := w.photo(ph)
		page.Photos = append(page.Photos, profilePhoto{ID: p.ID, Title: p.Title, Thumb: "/" + p.Server + "/" + p.ID + "_" + p.Secret + "_q.jpg"})
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = profileTmpl.Execute(rw, page)
}

// notFound writes the 404 page; what names the missing thing and is escaped.
func notFound(rw http.ResponseWriter, what string) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(http.StatusNotFound)
	_ = notFoundTmpl.Execute(rw, what)
}

// displayName is a user's real name, or their username when they have none.
func (w *World) displayName(u int32) string {
	if w.realname[u] != "" {
		return w.realname[u]
	}
	return w.username[u]
}

// photoFaves is the number of live users who currently have photo ph among their favorites. It
// scans every favorite (O(faves)).
func (w *World) photoFaves(ph int32) int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	n := 0
	for u := range int32(len(w.nsid)) {
		if !w.deleted[u] && w.hasFaveLocked(u, ph) {
			n++
		}
	}
	return n
}
