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
	recAddFavesSized // recAddFaves with each photo's width and height
	recAddPhotos
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

// encPhoto encodes a photo's fields as recAddFavesSized and recAddPhotos carry them.
func encPhoto(e *enc, p graph.Photo) {
	e.str(p.ID)
	e.str(p.Owner)
	e.str(p.Title)
	e.svar(int64(p.Farm))
	e.str(p.Server)
	e.str(p.Secret)
	e.str(p.ThumbURL)
	e.str(p.ImageURL)
	e.uvar(uint64(p.Width))
	e.uvar(uint64(p.Height))
}

// encodeAddPhotos encodes a validated batch; at is the batch time in unix ns.
func encodeAddPhotos(b graph.PhotosBatch, at int64) []byte {
	e := enc{b: make([]byte, 0, 64+len(b.Photos)*96)}
	e.byte1(recAddPhotos)
	e.str(b.Owner)
	e.svar(at)
	e.uvar(uint64(len(b.Photos)))
	for _, p := range b.Photos {
		encPhoto(&e, p)
	}
	return e.b
}

// encodeAddFaves encodes a validated batch; at is the batch time in unix ns.
func encodeAddFaves(b graph.FavesBatch, at int64) []byte {
	e := enc{b: make([]byte, 0, 64+len(b.Faves)*96)}
	e.byte1(recAddFavesSized)
	e.str(b.User)
	e.str(b.PullID)
	e.svar(at)
	e.uvar(uint64(len(b.Faves)))
	for _, f := range b.Faves {
		encPhoto(&e, f.Photo)
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
	rawPhoto
	at uint32
}

// rawPhoto is a decoded photo whose fields alias the record.
type rawPhoto struct {
	id, owner, title, server, secret, thumb, image []byte
	farm                                           int64
	w, h                                           uint16
}

// photo decodes a photo as encPhoto wrote it (sized false: as recAddFaves did, without a size).
func (d *dec) photo(sized bool) rawPhoto {
	r := rawPhoto{id: d.raw(), owner: d.raw(), title: d.raw(), farm: d.svar(),
		server: d.raw(), secret: d.raw(), thumb: d.raw(), image: d.raw()}
	if sized {
		r.w, r.h = uint16(d.uvar()), uint16(d.uvar())
	}
	return r
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
	case recAddFaves, recAddFavesSized:
		s.applyAddFaves(d, rec[0] == recAddFavesSized)
	case recAddPhotos:
		s.applyAddPhotos(d)
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

// applyAddPhotos applies a recAddPhotos record: photos with their owner, no FAVED edge.
func (s *state) applyAddPhotos(d *dec) {
	_, at := d.raw(), d.svar()
	n := d.count()
	ps := make([]rawPhoto, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		ps = append(ps, d.photo(true))
	}
	if d.err != nil {
		return
	}
	var metaBuf []byte
	for _, f := range ps {
		p := s.internPhoto(f.id)
		if s.owner[p] == none {
			s.own(p, s.internUser(f.owner), at)
		}
		metaBuf = s.mergePhoto(p, &f, metaBuf)
	}
}

// own makes o the owner of the ownerless photo p, added at at (unix ns). Pages that show o's
// photos (owner affinity, follows) change: o is touched.
func (s *state) own(p, o uint32, at int64) {
	s.owner[p] = o
	s.photos[p].addedAt = at
	s.known++
	s.users[o].took = addSorted(s.users[o].took, p)
	s.touch(o)
}

// mergePhoto merges a decoded photo's fields into photo p: empty fields and a zero farm or size
// never overwrite known ones. It returns metaBuf for reuse.
func (s *state) mergePhoto(p uint32, f *rawPhoto, metaBuf []byte) []byte {
	ph := &s.photos[p]
	metaBuf = ph.mergeMeta(&metaFields{f.title, f.server, f.secret, f.thumb, f.image}, metaBuf)
	if f.farm != 0 {
		ph.farm = int32(f.farm)
	}
	if f.w != 0 && f.h != 0 {
		ph.w, ph.h = f.w, f.h
	}
	return metaBuf
}

func (s *state) applyAddFaves(d *dec, sized bool) {
	nsid, pull, at := d.raw(), d.raw(), d.svar()
	n := d.count()
	fs := make([]rawFave, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		fs = append(fs, rawFave{rawPhoto: d.photo(sized), at: d.u32()})
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
		if s.owner[p] == none {
			s.own(p, s.internUser(f.owner), at)
		}
		metaBuf = s.mergePhoto(p, &f.rawPhoto, metaBuf)
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
