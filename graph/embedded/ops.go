package embedded

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/photorec/photorec/graph"
)

// Log record types. A record is one type byte and its payload; records are applied in sequence
// order, both live (by Store.applyLoop) and when the log is replayed on Open, by the same code.
const (
	recUpsertUsers byte = iota + 1
	recAddFaves
	recRemoveFave
	recFinishPull
	recRegister
	recSetContacts
	recDismissPhoto
	recUndismissPhoto
	recDismissUser
	recUndismissUser
	recPutToken
	recDeleteToken
	recMarkVisit
)

func encUser(e *enc, u graph.User) {
	e.str(u.NSID)
	e.str(u.Username)
	e.str(u.Realname)
	e.str(u.IconURL)
}

func encodeUpsertUsers(users []graph.User) []byte {
	e := enc{b: make([]byte, 0, 16+len(users)*32)}
	e.byte1(recUpsertUsers)
	e.uvar(uint64(len(users)))
	for _, u := range users {
		encUser(&e, u)
	}
	return e.b
}

// encodeAddFaves encodes a validated batch; at is the batch time in unix ns.
func encodeAddFaves(b graph.FavesBatch, at int64) []byte {
	e := enc{b: make([]byte, 0, 64+len(b.Faves)*96)}
	e.byte1(recAddFaves)
	e.str(b.User)
	e.str(b.PullID)
	e.svar(at)
	e.uvar(uint64(len(b.Faves)))
	for _, f := range b.Faves {
		p := f.Photo
		e.str(p.ID)
		e.str(p.Owner)
		e.str(p.Title)
		e.svar(int64(p.Farm))
		e.str(p.Server)
		e.str(p.Secret)
		e.str(p.ThumbURL)
		e.str(p.ImageURL)
		var sec uint64
		if !f.FavedAt.IsZero() {
			sec = uint64(f.FavedAt.Unix())
		}
		e.uvar(sec)
	}
	e.uvar(uint64(len(b.Owners)))
	for _, u := range b.Owners {
		encUser(&e, u)
	}
	return e.b
}

// encodePair encodes records that carry two strings (nsid and a photo ID or NSID).
func encodePair(typ byte, a, b string) []byte {
	e := enc{b: make([]byte, 0, 2+len(a)+len(b)+4)}
	e.byte1(typ)
	e.str(a)
	e.str(b)
	return e.b
}

func encodeFinishPull(p graph.PullDone, at int64) []byte {
	e := enc{}
	e.byte1(recFinishPull)
	e.str(p.User)
	e.str(p.PullID)
	e.bool1(p.Kind == graph.PullFull)
	e.svar(at)
	return e.b
}

func encodeSetContacts(nsid string, contacts []graph.User) []byte {
	e := enc{}
	e.byte1(recSetContacts)
	e.str(nsid)
	e.uvar(uint64(len(contacts)))
	for _, u := range contacts {
		encUser(&e, u)
	}
	return e.b
}

func encodeToken(nsid string, sealed []byte) []byte {
	e := enc{}
	e.byte1(recPutToken)
	e.str(nsid)
	e.bytes(sealed)
	return e.b
}

func encodeMarkVisit(nsid string, at int64) []byte {
	e := enc{}
	e.byte1(recMarkVisit)
	e.str(nsid)
	e.svar(at)
	return e.b
}

// rawUser is a decoded user whose fields alias the record.
type rawUser struct{ nsid, username, realname, icon []byte }

func (d *dec) user() rawUser {
	return rawUser{d.raw(), d.raw(), d.raw(), d.raw()}
}

func (d *dec) users() []rawUser {
	n := d.count()
	out := make([]rawUser, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.user())
	}
	return out
}

func (s *state) upsert(r rawUser) uint32 {
	i := s.internUser(r.nsid)
	u := &s.users[i]
	changed := mergeStr(&u.username, r.username)
	changed = mergeStr(&u.realname, r.realname) || changed
	changed = mergeStr(&u.icon, r.icon) || changed
	if changed {
		s.touch(i)
	}
	return i
}

type rawFave struct {
	id, owner, title, server, secret, thumb, image []byte
	farm                                           int64
	at                                             uint32
}

// result is what applying one record returns to its writer (only MarkVisit has one).
type result struct{ prevVisit int64 }

// apply decodes one record completely, then applies it. A record that does not decode changes
// nothing and returns an error.
func (s *state) apply(rec []byte) (result, error) {
	if len(rec) == 0 {
		return result{}, errCorrupt
	}
	d := &dec{b: rec[1:]}
	var res result
	switch rec[0] {
	case recUpsertUsers:
		us := d.users()
		if d.err != nil {
			break
		}
		for _, u := range us {
			s.upsert(u)
		}
	case recAddFaves:
		s.applyAddFaves(d)
	case recRemoveFave:
		nsid, pid := d.raw(), d.raw()
		if d.err != nil {
			break
		}
		u, ok := s.userIdx[string(nsid)]
		p, ok2 := lookupPhoto(s, pid)
		if ok && ok2 {
			s.removeFave(u, p)
			s.touch(u)
		}
	case recFinishPull:
		nsid, pull, full, at := d.raw(), d.raw(), d.bool1(), d.svar()
		if d.err != nil {
			break
		}
		s.finishPull(s.internUser(nsid), string(pull), full, at)
	case recRegister:
		nsid := d.raw()
		if d.err != nil {
			break
		}
		s.extra(s.internUser(nsid)).registered = true
	case recSetContacts:
		nsid, cs := d.raw(), d.users()
		if d.err != nil {
			break
		}
		u := s.internUser(nsid)
		set := make([]uint32, 0, len(cs))
		for _, c := range cs {
			set = append(set, s.upsert(c))
		}
		slices.Sort(set)
		set = slices.Compact(set)
		x := s.extra(u)
		s.follows += len(set) - len(x.contacts)
		x.contacts = set
		s.touch(u)
	case recDismissPhoto, recUndismissPhoto:
		nsid, pid := d.raw(), d.raw()
		if d.err != nil {
			break
		}
		u := s.internUser(nsid)
		s.touch(u)
		x := s.extra(u)
		if rec[0] == recDismissPhoto {
			x.dismissedPhotos = addSorted(x.dismissedPhotos, s.internPhoto(pid))
		} else if p, ok := lookupPhoto(s, pid); ok {
			x.dismissedPhotos = delSorted(x.dismissedPhotos, p)
		}
	case recDismissUser, recUndismissUser:
		nsid, target := d.raw(), d.raw()
		if d.err != nil {
			break
		}
		u := s.internUser(nsid)
		v := s.internUser(target)
		s.touch(u)
		x := s.extra(u)
		if rec[0] == recDismissUser {
			x.dismissedUsers = addSorted(x.dismissedUsers, v)
		} else {
			x.dismissedUsers = delSorted(x.dismissedUsers, v)
		}
	case recPutToken:
		nsid, tok := d.raw(), d.raw()
		if d.err != nil {
			break
		}
		s.extra(s.internUser(nsid)).token = append(make([]byte, 0, len(tok)), tok...)
	case recDeleteToken:
		nsid := d.raw()
		if d.err != nil {
			break
		}
		if u, ok := s.userIdx[string(nsid)]; ok && s.users[u].x != nil {
			s.users[u].x.token = nil
		}
	case recMarkVisit:
		nsid, at := d.raw(), d.svar()
		if d.err != nil {
			break
		}
		x := s.extra(s.internUser(nsid))
		res.prevVisit = x.lastVisit
		x.lastVisit = at
	default:
		return res, fmt.Errorf("embedded: unknown record type %d: %w", rec[0], errCorrupt)
	}
	if d.err != nil {
		return res, d.err
	}
	return res, nil
}

func (s *state) applyAddFaves(d *dec) {
	nsid, pull, at := d.raw(), d.raw(), d.svar()
	n := d.count()
	fs := make([]rawFave, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		fs = append(fs, rawFave{
			id: d.raw(), owner: d.raw(), title: d.raw(), farm: d.svar(),
			server: d.raw(), secret: d.raw(), thumb: d.raw(), image: d.raw(), at: d.u32(),
		})
	}
	owners := d.users()
	if d.err != nil {
		return
	}
	u := s.internUser(nsid)
	type pending struct{ p, at, i uint32 } // i: position in the batch
	var add []pending
	var seen []uint32
	var metaBuf []byte
	for _, f := range fs {
		p := s.internPhoto(f.id)
		if s.photos[p].owner == none {
			o := s.internUser(f.owner)
			s.photos[p].owner = o
			s.photos[p].addedAt = at
			s.known++
		}
		ph := &s.photos[p]
		metaBuf = ph.mergeMeta(&metaFields{f.title, f.server, f.secret, f.thumb, f.image}, metaBuf)
		if f.farm != 0 {
			ph.farm = int32(f.farm)
		}
		if len(pull) > 0 {
			seen = append(seen, p)
		}
		us := &s.users[u]
		if i, found := slices.BinarySearch(us.faves, p); found {
			if f.at != 0 {
				us.favedAt[i] = f.at
			}
			continue
		}
		add = append(add, pending{p, f.at, uint32(len(add))})
	}
	if len(seen) > 0 {
		s.extra(u).notePull(pull, seen)
	}
	if len(add) > 0 {
		slices.SortFunc(add, func(a, b pending) int {
			if c := cmp.Compare(a.p, b.p); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		// Keep one per photo: the last known time.
		w := 0
		for _, a := range add {
			if w > 0 && add[w-1].p == a.p {
				if a.at != 0 {
					add[w-1].at = a.at
				}
				continue
			}
			add[w] = a
			w++
		}
		add = add[:w]
		us := &s.users[u]
		old, oldAt := us.faves, us.favedAt
		nf := make([]uint32, 0, growCap(len(old)+len(add), cap(old)))
		na := make([]uint32, 0, cap(nf))
		i := 0
		for _, a := range add {
			for i < len(old) && old[i] < a.p {
				nf = append(nf, old[i])
				na = append(na, oldAt[i])
				i++
			}
			nf = append(nf, a.p)
			na = append(na, a.at)
			s.favers[a.p] = append(s.favers[a.p], u)
			s.count[a.p]++
		}
		nf = append(nf, old[i:]...)
		na = append(na, oldAt[i:]...)
		us.faves, us.favedAt = nf, na
		s.faves += len(add)
		s.touch(u)
	}
	for _, o := range owners {
		s.upsert(o)
	}
}

// growCap returns a capacity for n elements: exact when it fits, else n plus a quarter.
func growCap(n, have int) int {
	if n <= have {
		return have
	}
	return n + n/4
}
