package embedded

import "github.com/photorec/photorec/graph/rank"

// The state is the whole graph the rankings of package rank read (rank.Graph). Readers call
// these under Store.mu's read lock.
var _ rank.Graph = (*state)(nil)

func (st *state) Users() int               { return len(st.users) }
func (st *state) Photos() int              { return len(st.photos) }
func (st *state) Faves(u uint32) []uint32  { return st.users[u].faves }
func (st *state) Favers(p uint32) []uint32 { return st.favers[p] }
func (st *state) Degree(p uint32) int      { return int(st.count[p]) }
func (st *state) Degrees() []uint32        { return st.count }
func (st *state) Owner(p uint32) uint32    { return st.owner[p] }
func (st *state) Took(u uint32) []uint32   { return st.users[u].took }
func (st *state) PhotoID(p uint32) string  { return st.photos[p].id }
func (st *state) NSID(u uint32) string     { return st.users[u].nsid }

func (st *state) Contacts(u uint32) []uint32 {
	if x := st.users[u].x; x != nil {
		return x.contacts
	}
	return nil
}

func (st *state) DismissedPhotos(u uint32) []uint32 {
	if x := st.users[u].x; x != nil {
		return x.dismissedPhotos
	}
	return nil
}

func (st *state) DismissedUsers(u uint32) []uint32 {
	if x := st.users[u].x; x != nil {
		return x.dismissedUsers
	}
	return nil
}
