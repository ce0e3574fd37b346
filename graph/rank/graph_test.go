package rank

import "slices"

// memGraph is a Graph built in memory for the package's tests.
type memGraph struct {
	nsid      []string
	photo     []string
	faves     [][]uint32
	favers    [][]uint32
	owner     []uint32
	took      [][]uint32
	contacts  [][]uint32
	dismissed [][]uint32
	dUsers    [][]uint32
}

func (g *memGraph) user(id string) uint32 {
	if i := slices.Index(g.nsid, id); i >= 0 {
		return uint32(i)
	}
	g.nsid = append(g.nsid, id)
	g.faves = append(g.faves, nil)
	g.took = append(g.took, nil)
	g.contacts = append(g.contacts, nil)
	g.dismissed = append(g.dismissed, nil)
	g.dUsers = append(g.dUsers, nil)
	return uint32(len(g.nsid) - 1)
}

func (g *memGraph) photoOf(id, owner string) uint32 {
	if i := slices.Index(g.photo, id); i >= 0 {
		return uint32(i)
	}
	o := g.user(owner)
	g.photo = append(g.photo, id)
	g.favers = append(g.favers, nil)
	g.owner = append(g.owner, o)
	p := uint32(len(g.photo) - 1)
	g.took[o] = append(g.took[o], p)
	return p
}

// fave adds u's fave of photo id owned by owner.
func (g *memGraph) fave(u, id, owner string) {
	ui, p := g.user(u), g.photoOf(id, owner)
	if _, found := slices.BinarySearch(g.faves[ui], p); found {
		return
	}
	g.faves[ui] = append(g.faves[ui], p)
	slices.Sort(g.faves[ui])
	g.favers[p] = append(g.favers[p], ui)
}

func (g *memGraph) dismiss(u string, p uint32) {
	ui := g.user(u)
	g.dismissed[ui] = append(g.dismissed[ui], p)
	slices.Sort(g.dismissed[ui])
	g.dismissed[ui] = slices.Compact(g.dismissed[ui])
}

func (g *memGraph) Users() int                        { return len(g.nsid) }
func (g *memGraph) Photos() int                       { return len(g.photo) }
func (g *memGraph) Faves(u uint32) []uint32           { return g.faves[u] }
func (g *memGraph) Favers(p uint32) []uint32          { return g.favers[p] }
func (g *memGraph) Degree(p uint32) int               { return len(g.favers[p]) }
func (g *memGraph) Owner(p uint32) uint32             { return g.owner[p] }
func (g *memGraph) Took(u uint32) []uint32            { return g.took[u] }
func (g *memGraph) Contacts(u uint32) []uint32        { return g.contacts[u] }
func (g *memGraph) DismissedPhotos(u uint32) []uint32 { return g.dismissed[u] }
func (g *memGraph) DismissedUsers(u uint32) []uint32  { return g.dUsers[u] }
func (g *memGraph) PhotoID(p uint32) string           { return g.photo[p] }
func (g *memGraph) NSID(u uint32) string              { return g.nsid[u] }
