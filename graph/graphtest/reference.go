package graphtest

import (
	"sort"
	"time"

	"github.com/photorec/photorec/graph"
)

// Model is the brute-force reference: plain maps, and rankings computed straight from the
// definitions with no indexes. It is slow on purpose; use it on small graphs only.
type Model struct {
	Params          graph.Params
	Users           map[string]graph.User
	Photos          map[string]graph.Photo
	Faves           map[string]map[string]time.Time // user -> photo ID -> faved at
	Contacts        map[string]map[string]bool
	DismissedPhotos map[string]map[string]bool
	DismissedUsers  map[string]map[string]bool
}

// NewModel returns an empty reference graph ranked with p.
func NewModel(p graph.Params) *Model {
	return &Model{
		Params:          p,
		Users:           map[string]graph.User{},
		Photos:          map[string]graph.Photo{},
		Faves:           map[string]map[string]time.Time{},
		Contacts:        map[string]map[string]bool{},
		DismissedPhotos: map[string]map[string]bool{},
		DismissedUsers:  map[string]map[string]bool{},
	}
}

func (m *Model) upsertUser(u graph.User) {
	old, ok := m.Users[u.NSID]
	if !ok {
		m.Users[u.NSID] = u
		return
	}
	if u.Username != "" {
		old.Username = u.Username
	}
	if u.Realname != "" {
		old.Realname = u.Realname
	}
	if u.IconURL != "" {
		old.IconURL = u.IconURL
	}
	m.Users[u.NSID] = old
}

// UpsertUsers mirrors graph.Store.UpsertUsers.
func (m *Model) UpsertUsers(users []graph.User) {
	for _, u := range users {
		m.upsertUser(u)
	}
}

// AddFaves mirrors graph.Store.AddFaves (without pull bookkeeping).
func (m *Model) AddFaves(b graph.FavesBatch) {
	m.upsertUser(graph.User{NSID: b.User})
	m.mergePhotos(b.Faves, b.At)
	for _, f := range b.Faves {
		set := m.Faves[b.User]
		if set == nil {
			set = map[string]time.Time{}
			m.Faves[b.User] = set
		}
		if old, ok := set[f.Photo.ID]; !ok || !f.FavedAt.IsZero() || old.IsZero() {
			set[f.Photo.ID] = f.FavedAt
		}
	}
	m.UpsertUsers(b.Owners)
}

// AddPhotos mirrors graph.Store.AddPhotos: photos with their owner, no FAVED edge.
func (m *Model) AddPhotos(b graph.PhotosBatch) {
	m.upsertUser(graph.User{NSID: b.Owner})
	faves := make([]graph.Fave, 0, len(b.Photos))
	for _, p := range b.Photos {
		faves = append(faves, graph.Fave{Photo: p})
	}
	m.mergePhotos(faves, b.At)
}

// mergePhotos stores the photos of faves: a new photo as given (added at), a known one keeps its
// owner (the first wins) and takes the non-empty fields, a non-zero farm, a complete size.
func (m *Model) mergePhotos(faves []graph.Fave, at time.Time) {
	for _, f := range faves {
		m.upsertUser(graph.User{NSID: f.Photo.Owner})
		p, ok := m.Photos[f.Photo.ID]
		if !ok {
			p = f.Photo
			p.AddedAt = at
			if p.Width == 0 || p.Height == 0 {
				p.Width, p.Height = 0, 0
			}
		} else {
			mergeString(&p.Title, f.Photo.Title)
			mergeString(&p.Server, f.Photo.Server)
			mergeString(&p.Secret, f.Photo.Secret)
			mergeString(&p.ThumbURL, f.Photo.ThumbURL)
			mergeString(&p.ImageURL, f.Photo.ImageURL)
			if f.Photo.Farm != 0 {
				p.Farm = f.Photo.Farm
			}
			if f.Photo.Width != 0 && f.Photo.Height != 0 {
				p.Width, p.Height = f.Photo.Width, f.Photo.Height
			}
		}
		m.Photos[p.ID] = p
	}
}

func mergeString(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// RemoveFave mirrors graph.Store.RemoveFave.
func (m *Model) RemoveFave(user, photoID string) { delete(m.Faves[user], photoID) }

// SetContacts mirrors graph.Store.SetContacts.
func (m *Model) SetContacts(nsid string, contacts []graph.User) {
	m.upsertUser(graph.User{NSID: nsid})
	set := map[string]bool{}
	for _, c := range contacts {
		m.upsertUser(c)
		set[c.NSID] = true
	}
	m.Contacts[nsid] = set
}

func setOf(m map[string]map[string]bool, k string) map[string]bool {
	s := m[k]
	if s == nil {
		s = map[string]bool{}
		m[k] = s
	}
	return s
}

// DismissPhoto mirrors graph.Store.DismissPhoto.
func (m *Model) DismissPhoto(nsid, photoID string) {
	m.upsertUser(graph.User{NSID: nsid})
	setOf(m.DismissedPhotos, nsid)[photoID] = true
}

// UndismissPhoto mirrors graph.Store.UndismissPhoto.
func (m *Model) UndismissPhoto(nsid, photoID string) { delete(m.DismissedPhotos[nsid], photoID) }

// DismissUser mirrors graph.Store.DismissUser.
func (m *Model) DismissUser(nsid, target string) {
	m.upsertUser(graph.User{NSID: nsid})
	m.upsertUser(graph.User{NSID: target})
	setOf(m.DismissedUsers, nsid)[target] = true
}

// UndismissUser mirrors graph.Store.UndismissUser.
func (m *Model) UndismissUser(nsid, target string) { delete(m.DismissedUsers[nsid], target) }

// Neighbors returns every neighbor of u with its counts and score, ordered by NSID.
func (m *Model) Neighbors(u string) []graph.Neighbor {
	owners := map[string]int{}
	for pid := range m.Faves[u] {
		if o := m.Photos[pid].Owner; o != u {
			owners[o]++
		}
	}
	var out []graph.Neighbor
	for n, taken := range owners {
		common, dismissed := 0, 0
		for pid := range m.Faves[n] {
			if _, ok := m.Faves[u][pid]; ok {
				common++
			}
			if m.DismissedPhotos[u][pid] {
				dismissed++
			}
		}
		total := len(m.Faves[n])
		out = append(out, graph.Neighbor{
			User:   m.Users[n],
			Taken:  taken,
			Common: common,
			Total:  total,
			Score:  graph.NeighborScore(m.Params.Flexplore, common, dismissed, total),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User.NSID < out[j].User.NSID })
	return out
}

func (m *Model) excluded(u string, p graph.Photo) bool {
	if _, faved := m.Faves[u][p.ID]; faved {
		return true
	}
	return p.Owner == u || m.DismissedPhotos[u][p.ID] || m.DismissedUsers[u][p.Owner]
}

// RecommendUsers returns u's whole user ranking.
func (m *Model) RecommendUsers(u string) []graph.UserRec {
	var out []graph.UserRec
	for _, n := range m.Neighbors(u) {
		if m.Contacts[u][n.User.NSID] || m.DismissedUsers[u][n.User.NSID] {
			continue
		}
		out = append(out, graph.UserRec{User: n.User, Score: n.Score, Common: n.Common, Total: n.Total})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].User.NSID < out[j].User.NSID
	})
	return out
}
