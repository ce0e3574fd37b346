package server

import (
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
	ID       string    `json:"id"`
	Owner    string    `json:"owner"`
	Title    string    `json:"title"`
	ThumbURL string    `json:"thumb_url,omitempty"`
	ImageURL string    `json:"image_url,omitempty"`
	Width    int       `json:"width,omitempty"` // image_url's pixel size
	Height   int       `json:"height,omitempty"`
	PageURL  string    `json:"page_url"`
	AddedAt  time.Time `json:"added_at,omitzero"`
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
