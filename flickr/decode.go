package flickr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// flexInt decodes a JSON number, a numeric string, "", null, true or false. Flickr sends the
// same field as a number in one reply and a string in another (pages, total, farm, ...).
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch s {
	case "null", `""`, "false":
		*n = 0
		return nil
	case "true":
		*n = 1
		return nil
	}
	if len(s) >= 2 && s[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = strings.TrimSpace(str)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("flickr: %q is not an integer", s)
	}
	*n = flexInt(f)
	return nil
}

// flexString decodes a JSON string, a number (kept as its text), a bool, null (""), or an
// object carrying "_content" (Flickr's XML text-node form).
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("flickr: empty json value")
	}
	switch b[0] {
	case '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = flexString(str)
	case '{':
		var obj struct {
			Content *flexString `json:"_content"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		*s = ""
		if obj.Content != nil {
			*s = *obj.Content
		}
	case 'n':
		*s = ""
	case '[':
		return fmt.Errorf("flickr: array where text was expected")
	default:
		var num json.Number
		if err := json.Unmarshal(b, &num); err == nil {
			*s = flexString(num.String())
			return nil
		}
		var v bool
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(strconv.FormatBool(v))
	}
	return nil
}

// envelope is the part every reply shares.
type envelope struct {
	Stat    string     `json:"stat"`
	Code    flexInt    `json:"code"`
	Message flexString `json:"message"`
}

// stripJSONP removes a jsonFlickrApi(...) wrapper, sent when nojsoncallback is missing.
func stripJSONP(body []byte) []byte {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] != '{' {
		open := bytes.IndexByte(b, '(')
		end := bytes.LastIndexByte(b, ')')
		if open > 0 && end > open {
			return b[open+1 : end]
		}
	}
	return b
}

// checkReply decodes the envelope: stat "fail" becomes an *APIError, anything but "ok" an error.
func checkReply(method string, body []byte) ([]byte, error) {
	body = stripJSONP(body)
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%s: decode reply: %w", method, err)
	}
	switch env.Stat {
	case "ok":
		return body, nil
	case "fail":
		return nil, &APIError{Method: method, Code: int(env.Code), Message: string(env.Message)}
	}
	return nil, fmt.Errorf("%s: reply has stat %q", method, env.Stat)
}

type wirePage struct {
	Page     flexInt `json:"page"`
	Pages    flexInt `json:"pages"`
	PerPage  flexInt `json:"perpage"`
	PerPage2 flexInt `json:"per_page"`
	Total    flexInt `json:"total"`
}

func (p wirePage) page() Page {
	per := p.PerPage
	if per == 0 {
		per = p.PerPage2
	}
	return Page{Page: int(p.Page), Pages: int(p.Pages), PerPage: int(per), Total: int(p.Total)}
}

type wirePhoto struct {
	ID        flexString `json:"id"`
	Owner     flexString `json:"owner"`
	OwnerName flexString `json:"ownername"`
	Title     flexString `json:"title"`
	Secret    flexString `json:"secret"`
	Server    flexString `json:"server"`
	Farm      flexInt    `json:"farm"`
	DateFaved flexInt    `json:"date_faved"`
	URLQ      flexString `json:"url_q"`
	WidthQ    flexInt    `json:"width_q"`
	HeightQ   flexInt    `json:"height_q"`
	URLM      flexString `json:"url_m"`
	WidthM    flexInt    `json:"width_m"`
	HeightM   flexInt    `json:"height_m"`
	URLZ      flexString `json:"url_z"`
	WidthZ    flexInt    `json:"width_z"`
	HeightZ   flexInt    `json:"height_z"`
	URLC      flexString `json:"url_c"`
	WidthC    flexInt    `json:"width_c"`
	HeightC   flexInt    `json:"height_c"`
	URLL      flexString `json:"url_l"`
	WidthL    flexInt    `json:"width_l"`
	HeightL   flexInt    `json:"height_l"`
	// extras=icon_server: the owner's buddy icon
	IconServer *flexString `json:"iconserver"`
	IconFarm   flexInt     `json:"iconfarm"`
}

func (w wirePhoto) photo() Photo {
	p := Photo{
		ID:        string(w.ID),
		Owner:     string(w.Owner),
		OwnerName: string(w.OwnerName),
		Title:     string(w.Title),
		Secret:    string(w.Secret),
		Server:    string(w.Server),
		Farm:      int(w.Farm),
		Thumb:     size(w.URLQ, w.WidthQ, w.HeightQ),
		Medium:    size(w.URLM, w.WidthM, w.HeightM),
		Medium640: size(w.URLZ, w.WidthZ, w.HeightZ),
		Medium800: size(w.URLC, w.WidthC, w.HeightC),
		Large:     size(w.URLL, w.WidthL, w.HeightL),
	}
	if w.IconServer != nil {
		p.OwnerIconServer = string(*w.IconServer)
		if p.OwnerIconServer == "" {
			p.OwnerIconServer = "0"
		}
		p.OwnerIconFarm = int(w.IconFarm)
		p.OwnerIconURL = BuddyIconURL(p.Owner, p.OwnerIconServer, p.OwnerIconFarm)
	}
	if w.DateFaved > 0 {
		p.FavedAt = time.Unix(int64(w.DateFaved), 0).UTC()
	}
	return p
}

// size is one url_x extra with its width_x and height_x: the zero Size without a URL, and no
// dimensions unless both are in 1..65535 (nonsense otherwise: display sizes are at most 1024).
func size(url flexString, w, h flexInt) Size {
	if url == "" {
		return Size{}
	}
	if w <= 0 || h <= 0 || w > math.MaxUint16 || h > math.MaxUint16 {
		return Size{URL: string(url)}
	}
	return Size{URL: string(url), Width: int(w), Height: int(h)}
}

// decodePhotoPage decodes a photo-list reply (favorites.getPublicList, people.getPublicPhotos).
// A missing "photo" array is an empty page; a missing "photos" object is an error.
func decodePhotoPage(method string, body []byte) (PhotoPage, error) {
	body, err := checkReply(method, body)
	if err != nil {
		return PhotoPage{}, err
	}
	var r struct {
		Photos *struct {
			wirePage
			Photo []wirePhoto `json:"photo"`
		} `json:"photos"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return PhotoPage{}, fmt.Errorf("%s: decode photos: %w", method, err)
	}
	if r.Photos == nil {
		return PhotoPage{}, fmt.Errorf("%s: reply has no photos object", method)
	}
	out := PhotoPage{Page: r.Photos.page(), Photos: make([]Photo, 0, len(r.Photos.Photo))}
	for _, w := range r.Photos.Photo {
		if w.ID == "" {
			continue
		}
		out.Photos = append(out.Photos, w.photo())
	}
	return out, nil
}

// decodeContactPage decodes contacts.getPublicList. A missing "contact" array is empty.
func decodeContactPage(method string, body []byte) (ContactPage, error) {
	body, err := checkReply(method, body)
	if err != nil {
		return ContactPage{}, err
	}
	var r struct {
		Contacts *struct {
			wirePage
			Contact []struct {
				NSID       flexString `json:"nsid"`
				Username   flexString `json:"username"`
				IconServer flexString `json:"iconserver"`
				IconFarm   flexInt    `json:"iconfarm"`
			} `json:"contact"`
		} `json:"contacts"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return ContactPage{}, fmt.Errorf("%s: decode contacts: %w", method, err)
	}
	if r.Contacts == nil {
		return ContactPage{}, fmt.Errorf("%s: reply has no contacts object", method)
	}
	out := ContactPage{Page: r.Contacts.page(), Contacts: make([]Contact, 0, len(r.Contacts.Contact))}
	for _, w := range r.Contacts.Contact {
		if w.NSID == "" {
			continue
		}
		out.Contacts = append(out.Contacts, Contact{
			NSID:       string(w.NSID),
			Username:   string(w.Username),
			IconServer: string(w.IconServer),
			IconFarm:   int(w.IconFarm),
			IconURL:    BuddyIconURL(string(w.NSID), string(w.IconServer), int(w.IconFarm)),
		})
	}
	return out, nil
}

// decodePerson decodes people.getInfo.
func decodePerson(method string, body []byte) (Person, error) {
	body, err := checkReply(method, body)
	if err != nil {
		return Person{}, err
	}
	var r struct {
		Person *struct {
			ID         flexString `json:"id"`
			NSID       flexString `json:"nsid"`
			Username   flexString `json:"username"`
			Realname   flexString `json:"realname"`
			PathAlias  flexString `json:"path_alias"`
			IconServer flexString `json:"iconserver"`
			IconFarm   flexInt    `json:"iconfarm"`
			PhotosURL  flexString `json:"photosurl"`
			ProfileURL flexString `json:"profileurl"`
		} `json:"person"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return Person{}, fmt.Errorf("%s: decode person: %w", method, err)
	}
	if r.Person == nil {
		return Person{}, fmt.Errorf("%s: reply has no person object", method)
	}
	w := r.Person
	nsid := string(w.NSID)
	if nsid == "" {
		nsid = string(w.ID)
	}
	if nsid == "" {
		return Person{}, fmt.Errorf("%s: person has no nsid", method)
	}
	return Person{
		NSID:       nsid,
		Username:   string(w.Username),
		Realname:   string(w.Realname),
		PathAlias:  string(w.PathAlias),
		IconServer: string(w.IconServer),
		IconFarm:   int(w.IconFarm),
		IconURL:    BuddyIconURL(nsid, string(w.IconServer), int(w.IconFarm)),
		PhotosURL:  string(w.PhotosURL),
		ProfileURL: string(w.ProfileURL),
	}, nil
}

// decodeUser decodes the {"user":{...}} replies of urls.lookupUser, people.findByUsername and
// test.login: the NSID is "nsid", else "id".
func decodeUser(method string, body []byte) (UserRef, error) {
	body, err := checkReply(method, body)
	if err != nil {
		return UserRef{}, err
	}
	var r struct {
		User *struct {
			ID       flexString `json:"id"`
			NSID     flexString `json:"nsid"`
			Username flexString `json:"username"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return UserRef{}, fmt.Errorf("%s: decode user: %w", method, err)
	}
	if r.User == nil {
		return UserRef{}, fmt.Errorf("%s: reply has no user object", method)
	}
	nsid := string(r.User.NSID)
	if nsid == "" {
		nsid = string(r.User.ID)
	}
	if nsid == "" {
		return UserRef{}, fmt.Errorf("%s: user has no nsid", method)
	}
	return UserRef{NSID: nsid, Username: string(r.User.Username)}, nil
}

// decodeCommentID decodes photos.comments.addComment; only comment.id is relied on.
func decodeCommentID(method string, body []byte) (string, error) {
	body, err := checkReply(method, body)
	if err != nil {
		return "", err
	}
	var r struct {
		Comment *struct {
			ID flexString `json:"id"`
		} `json:"comment"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("%s: decode comment: %w", method, err)
	}
	if r.Comment == nil || r.Comment.ID == "" {
		return "", fmt.Errorf("%s: reply has no comment id", method)
	}
	return string(r.Comment.ID), nil
}

// BuddyIconURL is Flickr's buddy-icon rule: the farm URL when iconserver > 0, else the
// default icon https://www.flickr.com/images/buddyicon.gif.
func BuddyIconURL(nsid, iconServer string, iconFarm int) string {
	if n, err := strconv.ParseInt(iconServer, 10, 64); err != nil || n <= 0 || nsid == "" {
		return "https://www.flickr.com/images/buddyicon.gif"
	}
	return fmt.Sprintf("https://farm%d.staticflickr.com/%s/buddyicons/%s.jpg", iconFarm, iconServer, nsid)
}
