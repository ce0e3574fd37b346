package embedded

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"time"
)

const none = math.MaxUint32 // "no user" in state.owner

// state is the whole graph in memory. The one writer (Store.applyLoop) holds Store.mu for
// writing while it applies; readers hold it for reading.
type state struct {
	seq      uint64 // last applied log sequence number
	userIdx  map[string]uint32
	users    []user
	photoNum map[uint64]uint32 // photos whose ID is a canonical decimal number (all of Flickr's)
	photoIdx map[string]uint32 // every other photo ID
	photos   []photo
	owner    []uint32   // per photo, its owner (none until a fave or AddPhotos names one): dense for the rankings
	favers   [][]uint32 // per photo, the users who fave it (unordered)
	count    []uint32   // per photo, len(favers[p]): a dense array for the Popularity scan
	faves    int        // FAVED edges
	follows  int        // FOLLOWS edges
	known    int        // photos with an owner (added by a fave), for Stats

	// Page dependencies (cache.go), not persisted: gen is the page generation of the record
	// being applied, and stamps[u] the generation of the last write that changed what u's
	// own photo page or u's part in others' pages shows (u's faves, dismissals, name).
	gen    uint64
	stamps []uint64
}

// user is one node. faves is sorted by photo index; favedAt is parallel (unix seconds, 0 unknown).
type user struct {
	nsid, username, realname, icon string
	faves                          []uint32
	favedAt                        []uint32
	took                           []uint32   // photos the user owns, sorted (not persisted: from state.owner)
	x                              *userExtra // nil until the user has any of it
}

// userExtra holds what most users never have, kept out of line to keep user small.
type userExtra struct {
	contacts        []uint32 // sorted user indexes
	dismissedPhotos []uint32 // sorted photo indexes
	dismissedUsers  []uint32 // sorted user indexes
	lastPull        int64    // unix ns, 0 never
	lastFullPull    int64
	lastVisit       int64
	registered      bool
	token           []byte     // nil when none
	finished        []string   // IDs of the last pulls finished, oldest first, at most maxFinished
	pulls           []pullSeen // pulls in progress, oldest first, at most maxOpenPulls
	dropped         []string   // IDs of the last pulls dropped from pulls, at most maxOpenPulls
}

// pullSeen is a pull in progress: the photos its batches carried (unsorted, may repeat).
type pullSeen struct {
	id   string
	seen []uint32
}

// maxOpenPulls bounds the pulls in progress kept per user: a pull abandoned by a crashed worker
// is dropped once newer ones start. Finishing a dropped pull removes nothing: its view is lost.
const maxOpenPulls = 4

// maxFinished bounds the finished pull IDs kept per user: a FinishPull redelivered after up to
// maxFinished-1 other pulls of the user finished is still recognised and changes nothing.
const maxFinished = 8

// notePull records that pull carried photos seen.
func (x *userExtra) notePull(pull []byte, seen []uint32) {
	for i := range x.pulls {
		if x.pulls[i].id == string(pull) {
			x.pulls[i].seen = append(x.pulls[i].seen, seen...)
			return
		}
	}
	if len(x.pulls) == maxOpenPulls {
		if len(x.dropped) == maxOpenPulls {
			x.dropped = slices.Delete(x.dropped, 0, 1)
		}
		x.dropped = append(x.dropped, x.pulls[0].id)
		x.pulls = slices.Delete(x.pulls, 0, 1)
	}
	x.pulls = append(x.pulls, pullSeen{id: string(pull), seen: seen})
}

// takePull removes and returns the photos seen by pull.
func (x *userExtra) takePull(pull string) []uint32 {
	for i := range x.pulls {
		if x.pulls[i].id == pull {
			seen := x.pulls[i].seen
			x.pulls = slices.Delete(x.pulls, i, i+1)
			if len(x.pulls) == 0 {
				x.pulls = nil
			}
			return seen
		}
	}
	return nil
}

// photo is one node (its owner is in state.owner).
type photo struct {
	id      string
	farm    int32
	w, h    uint16 // the image URL's pixel size; 0 unknown
	meta    string // title, server, secret, thumb and image URLs, packed: one string, one pointer
	addedAt int64
}

// metaFields are the string fields of a photo, in packed order.
type metaFields [5][]byte

// packMeta appends the packed form of f to buf: each field as a uvarint length and its bytes.
func packMeta(buf []byte, f *metaFields) []byte {
	for _, v := range f {
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	return buf
}

// unpackMeta splits a packed meta string; the fields alias it.
func unpackMeta(meta string) [5]string {
	var out [5]string
	for i := range out {
		n, k := uvarintString(meta)
		if k <= 0 || uint64(len(meta)-k) < n {
			return out
		}
		out[i] = meta[k : k+int(n)]
		meta = meta[k+int(n):]
	}
	return out
}

// metaEqual reports whether packed meta holds exactly the fields in, without packing them.
func metaEqual(meta string, in *metaFields) bool {
	for _, v := range in {
		n, k := uvarintString(meta)
		if k <= 0 || n != uint64(len(v)) || uint64(len(meta)-k) < n || meta[k:k+int(n)] != string(v) {
			return false
		}
		meta = meta[k+int(n):]
	}
	return meta == ""
}

// uvarintString is binary.Uvarint for a string.
func uvarintString(s string) (uint64, int) {
	var x uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<(7*i), i + 1
		}
		x |= uint64(b&0x7f) << (7 * i)
	}
	return 0, 0
}

// mergeMeta merges incoming fields into a photo's packed meta: empty fields never overwrite.
// buf is scratch space; the common case (nothing new) allocates nothing.
func (p *photo) mergeMeta(in *metaFields, buf []byte) []byte {
	if metaEqual(p.meta, in) {
		return buf
	}
	buf = packMeta(buf[:0], in)
	if p.meta != "" {
		old := unpackMeta(p.meta)
		var merged metaFields
		for i := range merged {
			if len(in[i]) > 0 {
				merged[i] = in[i]
			} else {
				merged[i] = []byte(old[i])
			}
		}
		buf = packMeta(buf[:0], &merged)
		if string(buf) == p.meta {
			return buf
		}
	}
	p.meta = string(buf)
	return buf
}

func newState() *state {
	return &state{userIdx: map[string]uint32{}, photoNum: map[uint64]uint32{}, photoIdx: map[string]uint32{}}
}

func (s *state) extra(u uint32) *userExtra {
	x := s.users[u].x
	if x == nil {
		x = &userExtra{}
		s.users[u].x = x
	}
	return x
}

// internUser returns the index of nsid, creating the user.
func (s *state) internUser(nsid []byte) uint32 {
	if i, ok := s.userIdx[string(nsid)]; ok {
		return i
	}
	i := uint32(len(s.users))
	id := string(nsid)
	s.users = append(s.users, user{nsid: id})
	s.userIdx[id] = i
	return i
}

// numericID returns id as a number when it is a canonical decimal (no sign, no leading zero,
// at most 19 digits), so that it round-trips through strconv.FormatUint.
func numericID[T string | []byte](id T) (uint64, bool) {
	if len(id) == 0 || len(id) > 19 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// lookupPhoto returns the index of a photo ID.
func lookupPhoto[T string | []byte](s *state, id T) (uint32, bool) {
	if n, ok := numericID(id); ok {
		i, found := s.photoNum[n]
		return i, found
	}
	i, found := s.photoIdx[string(id)]
	return i, found
}

// internPhoto returns the index of id, creating an ownerless photo.
func (s *state) internPhoto(id []byte) uint32 {
	if i, ok := lookupPhoto(s, id); ok {
		return i
	}
	i := uint32(len(s.photos))
	sid := string(id)
	s.photos = append(s.photos, photo{id: sid})
	s.owner = append(s.owner, none)
	s.favers = append(s.favers, nil)
	s.count = append(s.count, 0)
	s.indexPhoto(sid, i)
	return i
}

// indexPhoto adds photo i with ID id to the lookup maps.
func (s *state) indexPhoto(id string, i uint32) {
	if n, ok := numericID(id); ok {
		s.photoNum[n] = i
	} else {
		s.photoIdx[id] = i
	}
}

func mergeStr(dst *string, v []byte) bool {
	if len(v) > 0 && *dst != string(v) {
		*dst = string(v)
		return true
	}
	return false
}

// touch records that the record being applied changed what user u contributes to photo pages.
func (s *state) touch(u uint32) {
	if int(u) >= len(s.stamps) {
		s.stamps = append(s.stamps, make([]uint64, int(u)+1-len(s.stamps))...)
	}
	s.stamps[u] = s.gen
}

// stamp is the generation of the last write touch recorded for u (0: none since the store opened).
func (s *state) stamp(u uint32) uint64 {
	if int(u) < len(s.stamps) {
		return s.stamps[u]
	}
	return 0
}

// removeFave deletes the edge u->p if present.
func (s *state) removeFave(u, p uint32) {
	us := &s.users[u]
	i, found := slices.BinarySearch(us.faves, p)
	if !found {
		return
	}
	us.faves = slices.Delete(us.faves, i, i+1)
	us.favedAt = slices.Delete(us.favedAt, i, i+1)
	f := s.favers[p]
	for j, v := range f {
		if v == u {
			f[j] = f[len(f)-1]
			s.favers[p] = f[:len(f)-1]
			s.count[p]--
			break
		}
	}
	s.faves--
}

// addSorted inserts v into a sorted set.
func addSorted(set []uint32, v uint32) []uint32 {
	i, found := slices.BinarySearch(set, v)
	if found {
		return set
	}
	return slices.Insert(set, i, v)
}

// delSorted removes v from a sorted set.
func delSorted(set []uint32, v uint32) []uint32 {
	i, found := slices.BinarySearch(set, v)
	if !found {
		return set
	}
	return slices.Delete(set, i, i+1)
}

// finishPull closes a pull; for a full pull it removes every fave of u the pull did not see.
func (s *state) finishPull(u uint32, pullID string, full bool, at int64) {
	x := s.extra(u)
	if pullID != "" && slices.Contains(x.finished, pullID) {
		return
	}
	seen := x.takePull(pullID)
	if full && slices.Contains(x.dropped, pullID) {
		full = false // its view of the faves was dropped: remove nothing
		x.lastFullPull = at
	}
	if full {
		sort.Slice(seen, func(i, j int) bool { return seen[i] < seen[j] })
		var gone []uint32
		for _, p := range s.users[u].faves {
			if _, ok := slices.BinarySearch(seen, p); !ok {
				gone = append(gone, p)
			}
		}
		for _, p := range gone {
			s.removeFave(u, p)
		}
		if len(gone) > 0 {
			s.touch(u)
		}
		x.lastFullPull = at
	}
	x.lastPull = at
	if pullID != "" {
		if len(x.finished) == maxFinished {
			x.finished = slices.Delete(x.finished, 0, 1)
		}
		x.finished = append(x.finished, pullID)
	}
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func fromSecs(s uint32) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}
