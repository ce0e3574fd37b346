package server

import (
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// defaultIcon stands in for a user whose buddy icon the store does not know (served locally:
// no request to a third party for a placeholder).
const defaultIcon = "/static/avatar.svg"

// userJSON is a user as the API shows it.
type userJSON struct {
	NSID       string `json:"nsid"`
	Username   string `json:"username,omitempty"`
	Realname   string `json:"realname,omitempty"`
	Name       string `json:"name"` // realname, else username, else NSID
	IconURL    string `json:"icon_url,omitempty"`
	ProfileURL string `json:"profile_url,omitempty"`
}

// photoJSON is a photo as the API shows it. PageURL is its Flickr page, which every
// displayed photo links to (Flickr's terms).
type photoJSON struct {
	ID       string `json:"id"`
	Owner    string `json:"owner"`
	Title    string `json:"title"`
	ThumbURL string `json:"thumb_url,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	Width    int    `json:"width,omitempty"` // image_url's pixel size
	Height   int    `json:"height,omitempty"`
	// Srcset offers image_url at Flickr's smaller sizes, each with its width (srcset).
	Srcset  string    `json:"srcset,omitempty"`
	PageURL string    `json:"page_url"`
	AddedAt time.Time `json:"added_at,omitzero"`
}

func displayName(u graph.User) string {
	switch {
	case u.Realname != "":
		return u.Realname
	case u.Username != "":
		return u.Username
	}
	return u.NSID
}

func (s *Server) userView(u graph.User) userJSON {
	icon := u.IconURL
	if icon == "" {
		icon = defaultIcon
	}
	return userJSON{
		NSID:       u.NSID,
		Username:   u.Username,
		Realname:   u.Realname,
		Name:       displayName(u),
		IconURL:    icon,
		ProfileURL: profileURL(s.opts.PhotoPageBase, u.NSID),
	}
}

func (s *Server) photoView(p graph.Photo) photoJSON {
	thumb := p.ThumbURL
	if thumb == "" {
		thumb = p.ImageURL
	}
	return photoJSON{
		ID:       p.ID,
		Owner:    p.Owner,
		Title:    p.Title,
		ThumbURL: thumb,
		ImageURL: p.ImageURL,
		Width:    p.Width,
		Height:   p.Height,
		Srcset:   srcset(p.ImageURL, p.Width, p.Height),
		PageURL:  photoPageURL(s.opts.PhotoPageBase, p.Owner, p.ID),
		AddedAt:  p.AddedAt,
	}
}

// photoPageURL is https://www.flickr.com/photos/{owner}/{id}/ under base.
func photoPageURL(base, owner, id string) string {
	return strings.TrimRight(base, "/") + "/" + owner + "/" + id + "/"
}

// profileURL is https://www.flickr.com/photos/{nsid}/ under base.
func profileURL(base, nsid string) string {
	return strings.TrimRight(base, "/") + "/" + nsid + "/"
}

// progressJSON is a refresh run's progress.
type progressJSON struct {
	RunID      string    `json:"run_id,omitempty"`
	State      string    `json:"state"`
	Made       int       `json:"made"`
	Done       int       `json:"done"`
	Failed     int       `json:"failed"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Changed    int64     `json:"changed"`
}

func progressView(p runs.Progress) progressJSON {
	state := p.State
	if state == "" {
		state = runs.StateNone
	}
	return progressJSON{
		RunID: p.RunID, State: state, Made: p.Made, Done: p.Done, Failed: p.Failed,
		StartedAt: p.StartedAt, FinishedAt: p.FinishedAt, Changed: p.Changed,
	}
}

// Getting-started thresholds: below either, a user is offered popular photos to fave first.
const (
	minFavesForRecs     = 5
	minNeighborsForRecs = 3
)

func gettingStarted(sum graph.Summary) bool {
	return sum.Faves < minFavesForRecs || sum.Neighbors < minNeighborsForRecs
}

// photoSizes are the sizes of Flickr's URL scheme (reference/flickr-api.md §5.1) a srcset
// offers, by the suffix of their file name and their long edge in pixels, smallest first.
// Sizes from 1600 px up have secrets of their own, so 1024 (_b, url_l) is the largest a URL
// can be built for; 320 (_n), 400 (_w) and 800 (_c) are left out because the simulator does
// not serve them.
var photoSizes = []struct {
	suffix string
	edge   int
}{{"_m", 240}, {"", 500}, {"_z", 640}, {"_b", 1024}}

// srcset is the srcset of a photo from its largest known image (image_url, of width x height
// pixels; 0 when unknown): that image and the same photo at every smaller size of Flickr's URL
// scheme, each with its width. Unknown sizes are taken as landscape with the long edge of the URL's suffix.
// It is "" when the URL does not follow the scheme ({id}_{secret}[_{suffix}].jpg).
func srcset(imageURL string, width, height int) string {
	dir, file := path.Split(imageURL)
	name, ok := strings.CutSuffix(file, ".jpg")
	if !ok || dir == "" {
		return ""
	}
	parts := strings.Split(name, "_")
	suffix := ""
	switch len(parts) {
	case 2:
	case 3:
		suffix = "_" + parts[2]
	default:
		return ""
	}
	edge := 0
	for _, s := range photoSizes {
		if s.suffix == suffix {
			edge = s.edge
		}
	}
	if edge == 0 {
		return ""
	}
	long := max(width, height)
	if width <= 0 || height <= 0 {
		width, long = edge, edge // unknown shape: only the width is used, as the longer edge
	}
	base := dir + parts[0] + "_" + parts[1]
	var b strings.Builder
	for _, s := range photoSizes {
		if s.edge >= edge || s.edge >= long {
			break
		}
		b.WriteString(base + s.suffix + ".jpg " + strconv.Itoa((width*s.edge+long/2)/long) + "w, ")
	}
	b.WriteString(imageURL + " " + strconv.Itoa(width) + "w")
	return b.String()
}
