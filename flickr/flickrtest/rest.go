package flickrtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiError is a Flickr error envelope: HTTP 200, stat "fail".
type apiError struct {
	Code    int
	Message string
}

func fail(code int, msg string) *apiError { return &apiError{Code: code, Message: msg} }

var errUserNotFound = fail(1, "User not found")

// call is one REST call being served.
type call struct {
	r      *http.Request
	sr     signedRequest
	base   string // public base URL for image links
	caller int32  // logged-in user, -1 when none
}

type method struct {
	perm    int // 0 none, 1 read, 2 write
	handler func(s *Server, c *call) (any, *apiError)
}

var methods = map[string]method{
	"flickr.favorites.getPublicList":    {0, (*Server).favoritesGetPublicList},
	"flickr.people.getInfo":             {0, (*Server).peopleGetInfo},
	"flickr.urls.lookupUser":            {0, (*Server).urlsLookupUser},
	"flickr.people.findByUsername":      {0, (*Server).peopleFindByUsername},
	"flickr.contacts.getPublicList":     {0, (*Server).contactsGetPublicList},
	"flickr.people.getPublicPhotos":     {0, (*Server).peopleGetPublicPhotos},
	"flickr.favorites.add":              {2, (*Server).favoritesAdd},
	"flickr.favorites.remove":           {2, (*Server).favoritesRemove},
	"flickr.photos.comments.addComment": {2, (*Server).commentsAdd},
	"flickr.test.login":                 {1, (*Server).testLogin},
}

var permNames = []string{"no", "read", "write", "delete"}

// handleREST serves /services/rest/: rate limit, faults, key, signature, token, then the method.
func (s *Server) handleREST(rw http.ResponseWriter, r *http.Request) {
	sr, err := gather(r)
	if err != nil {
		http.Error(rw, "bad request body", http.StatusBadRequest)
		return
	}
	name := sr.get("method")
	s.count(name)
	key := sr.get("oauth_consumer_key")
	if key == "" {
		key = sr.get("api_key")
	}
	if !s.admit(key) {
		writeHTML(rw, http.StatusTooManyRequests, tooManyRequestsHTML)
		return
	}
	out := responder{rw: rw, format: sr.get("format"), noCallback: sr.get("nojsoncallback") == "1",
		callback: sr.get("jsoncallback")}
	switch s.draw(name) {
	case "429":
		writeHTML(rw, http.StatusTooManyRequests, tooManyRequestsHTML)
		return
	case "502":
		writeHTML(rw, http.StatusBadGateway, badGatewayHTML)
		return
	case "105":
		out.fail(fail(105, "Service currently unavailable"))
		return
	case "201":
		out.fail(fail(201, "Sorry, the Flickr API service is not currently available."))
		return
	case "9":
		out.fail(fail(9, "User is posting comments too fast."))
		return
	}
	if out.format != "json" {
		out.fail(fail(111, fmt.Sprintf("Format %q not found (the simulator speaks format=json only)", out.format)))
		return
	}
	switch {
	case key == "":
		out.fail(fail(100, "Invalid API Key (Key not found)"))
		return
	case key != s.opts.ConsumerKey:
		out.fail(fail(100, "Invalid API Key (Key has invalid format)"))
		return
	}
	c := &call{r: r, sr: sr, base: s.baseURL(r), caller: -1}
	granted := 0
	if sr.signature != "" || sr.get("oauth_token") != "" {
		if problem := malformedOAuth(sr); problem != "" {
			oauthProblem(rw, problem, "")
			return
		}
		tokenSecret := ""
		if t := sr.get("oauth_token"); t != "" {
			at, ok := s.accessToken(t)
			if !ok || s.w.isDeleted(at.user) {
				out.fail(fail(98, "Invalid auth token"))
				return
			}
			tokenSecret, c.caller, granted = at.secret, at.user, permLevel(at.perms)
		}
		if base, ok := checkSignature(r, sr, s.opts.ConsumerSecret, tokenSecret); !ok {
			oauthProblem(rw, "signature_invalid", base)
			return
		}
	}
	m, ok := methods[name]
	if !ok {
		out.fail(fail(112, fmt.Sprintf("Method %q not found", name)))
		return
	}
	if granted < m.perm {
		out.fail(fail(99, fmt.Sprintf("Insufficient permissions. Method requires %s privileges; %s granted.",
			permNames[m.perm], map[bool]string{true: permNames[granted], false: "none"}[granted > 0])))
		return
	}
	body, aerr := m.handler(s, c)
	if aerr != nil {
		out.fail(aerr)
		return
	}
	out.ok(body)
}

// unixToDate formats unix seconds as Flickr's MySQL-style "2006-01-02 15:04:05" (UTC).
func unixToDate(sec int64) string { return time.Unix(sec, 0).UTC().Format(time.DateTime) }

func (s *Server) baseURL(r *http.Request) string {
	switch {
	case s.opts.BaseURL != "":
		return strings.TrimSuffix(s.opts.BaseURL, "/")
	case r.TLS != nil:
		return "https://" + r.Host
	default:
		return "http://" + r.Host
	}
}

// responder writes JSON (or JSONP) replies.
type responder struct {
	rw               http.ResponseWriter
	format, callback string
	noCallback       bool
}

// write sends v as JSON, or as JSONP unless nojsoncallback=1.
func (o responder) write(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(o.rw, "simulator: encode reply", http.StatusInternalServerError)
		return
	}
	if o.noCallback {
		o.rw.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = o.rw.Write(b)
		return
	}
	cb := o.callback
	if cb == "" || strings.ContainsFunc(cb, func(r rune) bool {
		return r != '_' && r != '.' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) {
		cb = "jsonFlickrApi"
	}
	o.rw.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, _ = fmt.Fprintf(o.rw, "%s(%s)", cb, b)
}

// fail sends a Flickr error envelope: JSON for format=json, Flickr's XML <rsp> otherwise.
func (o responder) fail(e *apiError) {
	if o.format != "json" {
		o.rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = fmt.Fprintf(o.rw, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rsp stat=\"fail\">\n\t<err code=\"%d\" msg=\"%s\" />\n</rsp>\n",
			e.Code, html.EscapeString(e.Message))
		return
	}
	o.write(struct {
		Stat    string `json:"stat"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{"fail", e.Code, e.Message})
}

// ok writes body (a struct whose last field is Stat, or nil for an empty success).
func (o responder) ok(body any) {
	if body == nil {
		body = struct {
			Stat string `json:"stat"`
		}{"ok"}
	}
	o.write(body)
}

type content struct {
	Content string `json:"_content"`
}

type intContent struct {
	Content int `json:"_content"`
}

// nullable encodes "" as JSON null, as Flickr does for an unset path_alias.
func nullable(s string) any {
	if s == "" {
		return json.RawMessage("null")
	}
	return s
}

// paging parses page/per_page with Flickr's defaults and caps.
func paging(c *call, def, maxPer int) (page, perPage int) {
	page, _ = strconv.Atoi(c.sr.get("page"))
	perPage, _ = strconv.Atoi(c.sr.get("per_page"))
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = def
	}
	return page, min(perPage, maxPer)
}

// pageBlock is the paging header of a list: numbers, or under Quirks.StringPaging pages and
// total as strings (page and perpage stay numbers), as in older real replies.
func (s *Server) pageBlock(page, perPage, total int) (p, ps, pp, t any) {
	pages := (total + perPage - 1) / perPage
	if s.opts.Quirks.StringPaging {
		return page, strconv.Itoa(pages), perPage, strconv.Itoa(total)
	}
	return page, pages, perPage, total
}

// liveUser resolves the call's user_id parameter to a user who still exists.
func (s *Server) liveUser(c *call) (int32, *apiError) {
	u, ok := s.w.lookup(c.sr.get("user_id"))
	if !ok {
		return 0, errUserNotFound
	}
	return u, nil
}

// photoJSON is one photo of a list reply; extras fields are omitted unless asked for.
type photoJSON struct {
	ID         string `json:"id"`
	Owner      string `json:"owner"`
	Secret     string `json:"secret"`
	Server     string `json:"server"`
	Farm       int    `json:"farm"`
	Title      string `json:"title"`
	IsPublic   int    `json:"ispublic"`
	IsFriend   int    `json:"isfriend"`
	IsFamily   int    `json:"isfamily"`
	DateFaved  string `json:"date_faved,omitempty"`
	DateUpload string `json:"dateupload,omitempty"`
	OwnerName  string `json:"ownername,omitempty"`
	IconServer any    `json:"iconserver,omitempty"` // string; nil unless extras has icon_server
	IconFarm   any    `json:"iconfarm,omitempty"`   // number; nil unless extras has icon_server
	PathAlias  any    `json:"pathalias,omitempty"`
	URLSq      string `json:"url_sq,omitempty"`
	HeightSq   int    `json:"height_sq,omitempty"`
	WidthSq    int    `json:"width_sq,omitempty"`
	URLQ       string `json:"url_q,omitempty"`
	HeightQ    int    `json:"height_q,omitempty"`
	WidthQ     int    `json:"width_q,omitempty"`
	URLS       string `json:"url_s,omitempty"`
	HeightS    int    `json:"height_s,omitempty"`
	WidthS     int    `json:"width_s,omitempty"`
	URLM       string `json:"url_m,omitempty"`
	HeightM    int    `json:"height_m,omitempty"`
	WidthM     int    `json:"width_m,omitempty"`
	URLZ       string `json:"url_z,omitempty"`
	HeightZ    int    `json:"height_z,omitempty"`
	WidthZ     int    `json:"width_z,omitempty"`
	URLC       string `json:"url_c,omitempty"`
	HeightC    int    `json:"height_c,omitempty"`
	WidthC     int    `json:"width_c,omitempty"`
	URLL       string `json:"url_l,omitempty"`
	HeightL    int    `json:"height_l,omitempty"`
	WidthL     int    `json:"width_l,omitempty"`
}

// setURL fills the url_x, height_x and width_x fields of extra x ("sq", "q", "s", "m", "z",
// "c", "l").
func (p *photoJSON) setURL(extra, url string, w, h int) {
	switch extra {
	case "sq":
		p.URLSq, p.WidthSq, p.HeightSq = url, w, h
	case "q":
		p.URLQ, p.WidthQ, p.HeightQ = url, w, h
	case "s":
		p.URLS, p.WidthS, p.HeightS = url, w, h
	case "m":
		p.URLM, p.WidthM, p.HeightM = url, w, h
	case "z":
		p.URLZ, p.WidthZ, p.HeightZ = url, w, h
	case "c":
		p.URLC, p.WidthC, p.HeightC = url, w, h
	case "l":
		p.URLL, p.WidthL, p.HeightL = url, w, h
	}
}

type photosJSON struct {
	Page    any         `json:"page"`
	Pages   any         `json:"pages"`
	PerPage any         `json:"perpage"`
	Total   any         `json:"total"`
	Photo   []photoJSON `json:"photo"`
}

type photosReply struct {
	Photos photosJSON `json:"photos"`
	Stat   string     `json:"stat"`
}

func parseExtras(s string) map[string]bool {
	out := map[string]bool{}
	for e := range strings.SplitSeq(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out[e] = true
		}
	}
	return out
}

// scaled is the size of a variant whose longest side is edge (square variants are edge x edge).
func scaled(w, h, edge int) (int, int) {
	if w >= h {
		return edge, (h*edge + w/2) / w
	}
	return (w*edge + h/2) / h, edge
}

func (s *Server) photoEntry(c *call, ph int32, extras map[string]bool) photoJSON {
	w := s.w
	p := photoJSON{ID: w.photoID(ph), Owner: w.nsid[w.photoOwner[ph]], Secret: w.secret(ph), Server: w.server(ph),
		Title: makeTitle(w.photoHash(ph), int(w.photoTopic[ph])), IsPublic: 1}
	p.Farm = farm(p.Server)
	o := w.photoOwner[ph]
	if extras["owner_name"] {
		p.OwnerName = w.username[o]
	}
	if extras["icon_server"] {
		// the owner's icon, as people.getInfo gives it ("0" and 0 when they have none)
		p.IconServer, p.IconFarm = w.iconOf(o)
	}
	if extras["path_alias"] {
		p.PathAlias = nullable(w.alias[o])
	}
	if extras["date_upload"] {
		p.DateUpload = strconv.FormatUint(uint64(w.photoUp[ph]), 10)
	}
	img := c.base + "/" + p.Server + "/" + p.ID + "_" + p.Secret
	for _, sz := range photoSizes {
		if !extras["url_"+sz.extra] {
			continue
		}
		if wd, ht, ok := s.size(ph, sz); ok {
			p.setURL(sz.extra, img+sz.suffix+".jpg", wd, ht)
		}
	}
	return p
}

// photoPage pages a list of entries (date<<32|photo), honouring the ShortPages quirk.
func (s *Server) photoPage(c *call, list []uint64, faved bool) photosReply {
	page, perPage := paging(c, 100, 500)
	extras := parseExtras(c.sr.get("extras"))
	total := len(list)
	pages := (total + perPage - 1) / perPage
	photos := []photoJSON{}
	lo := (page - 1) * perPage
	if lo < total {
		for _, e := range list[lo:min(lo+perPage, total)] {
			ph := int32(e & 0xffffffff)
			if s.opts.Quirks.ShortPages && page < pages && s.w.photoHash(ph)>>40%8 == 0 {
				continue
			}
			p := s.photoEntry(c, ph, extras)
			if faved {
				p.DateFaved = strconv.FormatUint(e>>32, 10)
			}
			photos = append(photos, p)
		}
	}
	var reply photosReply
	reply.Stat = "ok"
	reply.Photos.Page, reply.Photos.Pages, reply.Photos.PerPage, reply.Photos.Total = s.pageBlock(page, perPage, total)
	reply.Photos.Photo = photos
	return reply
}

func (s *Server) favoritesGetPublicList(c *call) (any, *apiError) {
	u, aerr := s.liveUser(c)
	if aerr != nil {
		return nil, aerr
	}
	list := s.w.faveList(u)
	minDate, _ := strconv.ParseInt(c.sr.get("min_fave_date"), 10, 64)
	maxDate, _ := strconv.ParseInt(c.sr.get("max_fave_date"), 10, 64)
	if minDate > 0 || maxDate > 0 {
		kept := make([]uint64, 0, len(list))
		for _, e := range list {
			at := int64(e >> 32)
			if (minDate <= 0 || at >= minDate) && (maxDate <= 0 || at <= maxDate) {
				kept = append(kept, e)
			}
		}
		list = kept
	}
	return s.photoPage(c, list, true), nil
}

func (s *Server) peopleGetPublicPhotos(c *call) (any, *apiError) {
	u, aerr := s.liveUser(c)
	if aerr != nil {
		return nil, aerr
	}
	up := s.w.uploads(u)
	list := make([]uint64, len(up))
	for i, ph := range up {
		list[i] = uint64(ph)
	}
	return s.photoPage(c, list, false), nil
}

type contactJSON struct {
	NSID       string `json:"nsid"`
	Username   string `json:"username"`
	IconServer string `json:"iconserver"`
	IconFarm   int    `json:"iconfarm"`
	Ignored    int    `json:"ignored"`
	RevIgnored int    `json:"rev_ignored"`
}

// contactsReply carries the page size twice, as per_page and perpage, as real contact lists do.
type contactsReply struct {
	Contacts struct {
		Page     any           `json:"page"`
		Pages    any           `json:"pages"`
		PerPage2 any           `json:"per_page"`
		PerPage  any           `json:"perpage"`
		Total    any           `json:"total"`
		Contact  []contactJSON `json:"contact"`
	} `json:"contacts"`
	Stat string `json:"stat"`
}

// iconOf is a user's iconserver and iconfarm ("0", 0 when they have no buddy icon).
func (w *World) iconOf(u int32) (string, int) {
	srv := int(w.icon[u])
	if srv == 0 {
		return "0", 0
	}
	return strconv.Itoa(srv), farm(strconv.Itoa(srv))
}

func (s *Server) contactsGetPublicList(c *call) (any, *apiError) {
	u, aerr := s.liveUser(c)
	if aerr != nil {
		return nil, aerr
	}
	page, perPage := paging(c, 1000, 1000)
	list := s.w.liveContacts(u)
	var reply contactsReply
	reply.Stat = "ok"
	cs := &reply.Contacts
	cs.Page, cs.Pages, cs.PerPage, cs.Total = s.pageBlock(page, perPage, len(list))
	cs.PerPage2 = cs.PerPage
	cs.Contact = []contactJSON{}
	if lo := (page - 1) * perPage; lo < len(list) {
		for _, k := range list[lo:min(lo+perPage, len(list))] {
			srv, farm := s.w.iconOf(k)
			cs.Contact = append(cs.Contact, contactJSON{NSID: s.w.nsid[k], Username: s.w.username[k], IconServer: srv, IconFarm: farm})
		}
	}
	return reply, nil
}

func (s *Server) peopleGetInfo(c *call) (any, *apiError) {
	u, aerr := s.liveUser(c)
	if aerr != nil {
		return nil, aerr
	}
	w := s.w
	srv, farm := w.iconOf(u)
	nsid := w.nsid[u]
	page := nsid
	if w.alias[u] != "" {
		page = w.alias[u]
	}
	first := uint32(0)
	for ph := w.photoStart[u]; ph < w.photoStart[u+1]; ph++ {
		if first == 0 || w.photoUp[ph] < first {
			first = w.photoUp[ph]
		}
	}
	type photosInfo struct {
		FirstDateTaken content    `json:"firstdatetaken"`
		FirstDate      content    `json:"firstdate"`
		Count          intContent `json:"count"`
		Views          content    `json:"views"`
	}
	type person struct {
		ID          string     `json:"id"`
		NSID        string     `json:"nsid"`
		IsPro       int        `json:"ispro"`
		IsDeleted   int        `json:"is_deleted"`
		IconServer  string     `json:"iconserver"`
		IconFarm    int        `json:"iconfarm"`
		PathAlias   any        `json:"path_alias"`
		HasStats    int        `json:"has_stats"`
		Username    content    `json:"username"`
		Realname    *content   `json:"realname,omitempty"` // absent when unset, as in real replies
		Location    content    `json:"location"`
		Description content    `json:"description"`
		PhotosURL   content    `json:"photosurl"`
		ProfileURL  content    `json:"profileurl"`
		MobileURL   content    `json:"mobileurl"`
		Photos      photosInfo `json:"photos"`
	}
	h := mix(w.seed ^ uint64(u))
	p := person{ID: nsid, NSID: nsid, IsPro: int(h % 3 / 2), IconServer: srv, IconFarm: farm, PathAlias: nullable(w.alias[u]),
		Username:   content{w.username[u]},
		PhotosURL:  content{"https://www.flickr.com/photos/" + page + "/"},
		ProfileURL: content{"https://www.flickr.com/people/" + page + "/"},
		MobileURL:  content{"https://m.flickr.com/photostream.gne?id=" + strconv.Itoa(10_000_000+int(u))},
		Photos: photosInfo{
			FirstDateTaken: content{unixToDate(int64(first))},
			FirstDate:      content{strconv.FormatUint(uint64(first), 10)},
			Count:          intContent{int(w.photoStart[u+1] - w.photoStart[u])},
			Views:          content{strconv.FormatUint(h%100000, 10)},
		}}
	if w.realname[u] != "" {
		p.Realname = &content{w.realname[u]}
	}
	return struct {
		Person person `json:"person"`
		Stat   string `json:"stat"`
	}{p, "ok"}, nil
}

type userReply struct {
	User struct {
		ID        string  `json:"id"`
		NSID      string  `json:"nsid,omitempty"`
		Username  content `json:"username"`
		PathAlias any     `json:"path_alias,omitempty"`
	} `json:"user"`
	Stat string `json:"stat"`
}

func (s *Server) peopleFindByUsername(c *call) (any, *apiError) {
	u, ok := s.w.byName[lower(strings.TrimSpace(c.sr.get("username")))]
	if !ok || s.w.isDeleted(u) {
		return nil, errUserNotFound
	}
	var r userReply
	r.Stat = "ok"
	r.User.ID, r.User.NSID, r.User.Username = s.w.nsid[u], s.w.nsid[u], content{s.w.username[u]}
	return r, nil
}

// urlsLookupUser resolves a photostream or profile URL; its path segment is a path alias or NSID.
func (s *Server) urlsLookupUser(c *call) (any, *apiError) {
	raw := strings.TrimSpace(c.sr.get("url"))
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	pu, err := url.Parse(raw)
	if err != nil {
		return nil, errUserNotFound
	}
	segs := strings.Split(strings.Trim(pu.Path, "/"), "/")
	if len(segs) < 2 || segs[0] != "photos" && segs[0] != "people" {
		return nil, errUserNotFound
	}
	seg := segs[1]
	u, ok := s.w.lookup(seg)
	if !ok {
		a, found := s.w.byAlias[lower(seg)]
		if !found || s.w.isDeleted(a) {
			return nil, errUserNotFound
		}
		u = a
	}
	var r userReply
	r.Stat = "ok"
	r.User.ID, r.User.Username = s.w.nsid[u], content{s.w.username[u]}
	return r, nil
}

func (s *Server) testLogin(c *call) (any, *apiError) {
	u := c.caller
	var r userReply
	r.Stat = "ok"
	r.User.ID, r.User.Username, r.User.PathAlias = s.w.nsid[u], content{s.w.username[u]}, nullable(s.w.alias[u])
	return r, nil
}

func (s *Server) favoritesAdd(c *call) (any, *apiError) {
	err := s.w.AddFave(s.w.nsid[c.caller], c.sr.get("photo_id"), s.opts.Now())
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, ErrOwnPhoto):
		return nil, fail(2, "Photo is owned by you")
	case errors.Is(err, ErrAlreadyFaved):
		return nil, fail(3, "Photo is already in favorites")
	default:
		return nil, photoNotFound(c)
	}
}

// photoNotFound is code 1 with the message real replies carry.
func photoNotFound(c *call) *apiError {
	return fail(1, fmt.Sprintf("Photo %q not found (invalid ID)", c.sr.get("photo_id")))
}

func (s *Server) favoritesRemove(c *call) (any, *apiError) {
	if err := s.w.RemoveFave(s.w.nsid[c.caller], c.sr.get("photo_id")); err != nil {
		return nil, fail(1, "Photo not in favorites")
	}
	return nil, nil
}

func (s *Server) commentsAdd(c *call) (any, *apiError) {
	w := s.w
	u := c.caller
	if s.commentsOff() {
		return nil, fail(99, "Insufficient permission to comment")
	}
	cm, err := w.AddComment(w.nsid[u], c.sr.get("photo_id"), c.sr.get("comment_text"), s.opts.Now())
	switch {
	case errors.Is(err, ErrBlankComment):
		return nil, fail(8, "Blank comment")
	case err != nil:
		return nil, photoNotFound(c)
	}
	ph, _ := w.photoIndex(cm.PhotoID)
	srv, _ := w.iconOf(u)
	icon := func(suffix string) string {
		if srv == "0" {
			return c.base + "/img/buddyicon.gif"
		}
		return c.base + "/img/" + srv + "/buddyicons/" + w.nsid[u] + suffix + ".jpg"
	}
	commentNum := cm.ID[strings.LastIndexByte(cm.ID, '-')+1:]
	type iconURLs struct {
		Retina  string `json:"retina"`
		Large   string `json:"large"`
		Medium  string `json:"medium"`
		Small   string `json:"small"`
		Default string `json:"default"`
	}
	type comment struct {
		ID         string   `json:"id"`
		Author     string   `json:"author"`
		AuthorName string   `json:"authorname"`
		DateCreate string   `json:"datecreate"`
		Permalink  string   `json:"permalink"`
		PathAlias  any      `json:"path_alias"`
		Realname   string   `json:"realname"`
		Content    string   `json:"_content"`
		IconURLs   iconURLs `json:"iconurls"`
	}
	return struct {
		Comment comment `json:"comment"`
		Stat    string  `json:"stat"`
	}{comment{ID: cm.ID, Author: cm.Author, AuthorName: w.username[u], DateCreate: strconv.FormatInt(cm.Created.Unix(), 10),
		Permalink: "https://www.flickr.com/photos/" + w.nsid[w.photoOwner[ph]] + "/" + cm.PhotoID + "/#comment" + commentNum,
		PathAlias: nullable(w.alias[u]), Realname: w.realname[u], Content: cm.Text,
		IconURLs: iconURLs{icon("_r"), icon("_l"), icon("_m"), icon("_s"), icon("")}}, "ok"}, nil
}
