package flickrtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors of World lookups and writes. The server maps them to Flickr error codes.
var (
	ErrNoUser       = errors.New("flickrtest: user not found")
	ErrNoPhoto      = errors.New("flickrtest: photo not found")
	ErrOwnPhoto     = errors.New("flickrtest: photo is owned by the user")
	ErrAlreadyFaved = errors.New("flickrtest: photo is already in favorites")
	ErrNotFaved     = errors.New("flickrtest: photo not in favorites")
	ErrBlankComment = errors.New("flickrtest: blank comment")
)

// NumUsers is the number of generated users, deleted ones included.
func (w *World) NumUsers() int { return len(w.nsid) }

// NumPhotos is the number of generated photos.
func (w *World) NumPhotos() int { return len(w.photoOwner) }

// NumFaves is the number of generated favorites (writes through the server not included).
func (w *World) NumFaves() int { return len(w.faves) }

func (w *World) photoID(ph int32) string {
	return strconv.FormatInt(photoIDBase+int64(ph)*photoIDStride, 10)
}

// photoIndex parses a photo ID; ok is false for IDs the world never issued.
func (w *World) photoIndex(id string) (int32, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < photoIDBase || (n-photoIDBase)%photoIDStride != 0 {
		return 0, false
	}
	i := (n - photoIDBase) / photoIDStride
	if i >= int64(len(w.photoOwner)) {
		return 0, false
	}
	return int32(i), true
}

func (w *World) photoHash(ph int32) uint64 { return mix(w.seed ^ mix(uint64(ph)+1<<40)) }

func (w *World) secret(ph int32) string {
	return fmt.Sprintf("%010x", w.photoHash(ph)&0xffffffffff)
}

// farm is the farm number that goes with a server, as in real replies (66 for 65535).
func farm(server string) int {
	n, _ := strconv.Atoi(server)
	if n == 65535 {
		return 66
	}
	return n/1000 + 1
}

func (w *World) server(ph int32) string {
	return []string{"65535", "65535", "65535", "7372", "4021", "1862"}[w.photoHash(ph)>>50%6]
}

// frames are the shapes of generated photos, with how many in 100 have each: mostly landscape
// (3:2, 4:3, 16:9), then portrait (2:3, 3:4), square, and a few panoramas (5:2, 3:1).
var frames = []struct{ w, h, per100 int }{
	{3, 2, 34}, {4, 3, 24}, {16, 9, 4}, {2, 3, 14}, {3, 4, 9}, {1, 1, 10}, {5, 2, 3}, {3, 1, 2},
}

// dims is the size of a photo's 1024 (_b) variant: 1024 on its longer side.
func (w *World) dims(ph int32) (width, height int) {
	k := int(w.photoHash(ph) >> 20 % 100)
	for _, f := range frames {
		if k < f.per100 {
			if f.w >= f.h {
				return 1024, (1024*f.h + f.w/2) / f.w
			}
			return (1024*f.w + f.h/2) / f.h, 1024
		}
		k -= f.per100
	}
	panic("flickrtest: frames do not add up to 100")
}

// smallOriginal reports photos whose original is too small for a 1024 variant (no url_l) when the
// MissingLarge quirk is on: about one in six.
func (w *World) smallOriginal(ph int32) bool { return w.photoHash(ph)>>30%6 == 0 }

// maxEdge is the longer side of a photo's original: 1024 or more, or for small originals 500,
// 640 or 800 (sizes above it do not exist under Quirks.MissingLarge).
func (w *World) maxEdge(ph int32) int {
	if !w.smallOriginal(ph) {
		return 1024
	}
	return []int{500, 640, 800}[w.photoHash(ph)>>34%3]
}

func (w *World) photo(ph int32) Photo {
	wd, ht := w.dims(ph)
	return Photo{ID: w.photoID(ph), Owner: w.nsid[w.photoOwner[ph]],
		Title: makeTitle(w.photoHash(ph), int(w.photoTopic[ph])), Secret: w.secret(ph), Server: w.server(ph),
		Farm: farm(w.server(ph)), Uploaded: time.Unix(int64(w.photoUp[ph]), 0).UTC(), Width: wd, Height: ht,
		HasLarge: !w.smallOriginal(ph), MaxEdge: w.maxEdge(ph)}
}

// lookup resolves an NSID to a live user index.
func (w *World) lookup(nsid string) (int32, bool) {
	u, ok := w.byNSID[nsid]
	if !ok {
		return 0, false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return u, !w.deleted[u]
}

// lookupAny resolves an NSID, a path alias or a username (case-insensitive) to a live user.
func (w *World) lookupAny(s string) (int32, bool) {
	s = strings.TrimSpace(s)
	if u, ok := w.lookup(s); ok {
		return u, true
	}
	if u, ok := w.byAlias[lower(s)]; ok {
		return w.lookup(w.nsid[u])
	}
	if u, ok := w.byName[lower(s)]; ok {
		return w.lookup(w.nsid[u])
	}
	return 0, false
}

// Users lists every generated user in index order, with current counts.
func (w *World) Users() []User {
	out := make([]User, len(w.nsid))
	for u := range out {
		out[u] = w.user(int32(u))
	}
	return out
}

// User returns one user by NSID; ErrNoUser if the world never had it (deleted users are returned
// with Deleted set).
func (w *World) User(nsid string) (User, error) {
	u, ok := w.byNSID[nsid]
	if !ok {
		return User{}, fmt.Errorf("flickrtest: user %s: %w", nsid, ErrNoUser)
	}
	return w.user(u), nil
}

func (w *World) user(u int32) User {
	w.mu.RLock()
	del := w.deleted[u]
	simple := len(w.deleted) == 0 && len(w.added[u]) == 0 && len(w.removed[u]) == 0
	w.mu.RUnlock()
	nf := int(w.faveOff[u+1] - w.faveOff[u])
	if !simple {
		nf = len(w.faveList(u))
	}
	return User{NSID: w.nsid[u], Username: w.username[u], Realname: w.realname[u], PathAlias: w.alias[u],
		Faves: nf, Uploads: int(w.photoStart[u+1] - w.photoStart[u]),
		Contacts: int(w.contactOff[u+1] - w.contactOff[u]),
		Joined:   time.Unix(int64(w.joined[u]), 0).UTC(), Deleted: del}
}

// DeleteUser marks a user deleted: every call about them then fails with Flickr's code 1, their
// photos vanish from other users' favorites, and they cannot log in. Unknown NSIDs are ignored.
func (w *World) DeleteUser(nsid string) {
	u, ok := w.byNSID[nsid]
	if !ok {
		return
	}
	w.mu.Lock()
	w.deleted[u] = true
	w.mu.Unlock()
}

// faveList returns user u's current favorites, newest first, as date<<32|photo, skipping photos
// of deleted owners. The caller holds no lock.
func (w *World) faveList(u int32) []uint64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	base := w.faves[w.faveOff[u]:w.faveOff[u+1]]
	rm, add := w.removed[u], w.added[u]
	if len(rm) == 0 && len(add) == 0 && len(w.deleted) == 0 {
		return base
	}
	out := make([]uint64, 0, len(base)+len(add))
	for _, f := range base {
		ph := int32(f & 0xffffffff)
		if !rm[ph] && !w.deleted[w.photoOwner[ph]] {
			out = append(out, f)
		}
	}
	for _, f := range add {
		if !w.deleted[w.photoOwner[int32(f&0xffffffff)]] {
			out = append(out, f)
		}
	}
	if len(add) > 0 {
		slices.Sort(out)
		slices.Reverse(out)
	}
	return out
}

// FavesOf lists a user's current favorites, newest first; nil for unknown or deleted users.
func (w *World) FavesOf(nsid string) []Fave {
	u, ok := w.lookup(nsid)
	if !ok {
		return nil
	}
	list := w.faveList(u)
	out := make([]Fave, len(list))
	for i, f := range list {
		ph := int32(f & 0xffffffff)
		out[i] = Fave{PhotoID: w.photoID(ph), Owner: w.nsid[w.photoOwner[ph]], FavedAt: time.Unix(int64(f>>32), 0).UTC()}
	}
	return out
}

// PhotosOf lists a user's photos, newest upload first; nil for unknown or deleted users.
func (w *World) PhotosOf(nsid string) []Photo {
	u, ok := w.lookup(nsid)
	if !ok {
		return nil
	}
	list := w.uploads(u)
	out := make([]Photo, len(list))
	for i, ph := range list {
		out[i] = w.photo(ph)
	}
	return out
}

// uploads is u's photos, newest first.
func (w *World) uploads(u int32) []int32 {
	list := make([]int32, 0, w.photoStart[u+1]-w.photoStart[u])
	for ph := w.photoStart[u]; ph < w.photoStart[u+1]; ph++ {
		list = append(list, ph)
	}
	slices.SortStableFunc(list, func(a, b int32) int { return int(w.photoUp[b]) - int(w.photoUp[a]) })
	return list
}

// Photo returns one photo by ID; ErrNoPhoto if unknown or its owner is deleted.
func (w *World) Photo(id string) (Photo, error) {
	ph, ok := w.photoIndex(id)
	if !ok {
		return Photo{}, fmt.Errorf("flickrtest: photo %s: %w", id, ErrNoPhoto)
	}
	if _, live := w.lookup(w.nsid[w.photoOwner[ph]]); !live {
		return Photo{}, fmt.Errorf("flickrtest: photo %s: %w", id, ErrNoPhoto)
	}
	return w.photo(ph), nil
}

// ContactsOf lists the NSIDs a user follows (deleted contacts left out); nil for unknown users.
func (w *World) ContactsOf(nsid string) []string {
	u, ok := w.lookup(nsid)
	if !ok {
		return nil
	}
	var out []string
	for _, c := range w.liveContacts(u) {
		out = append(out, w.nsid[c])
	}
	return out
}

func (w *World) liveContacts(u int32) []int32 {
	list := w.contacts[w.contactOff[u]:w.contactOff[u+1]]
	w.mu.RLock()
	defer w.mu.RUnlock()
	if len(w.deleted) == 0 {
		return list
	}
	out := make([]int32, 0, len(list))
	for _, c := range list {
		if !w.deleted[c] {
			out = append(out, c)
		}
	}
	return out
}

// Comments lists the comments written on a photo, oldest first.
func (w *World) Comments(photoID string) []Comment {
	ph, ok := w.photoIndex(photoID)
	if !ok {
		return nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return slices.Clone(w.comments[ph])
}

// AddFave records that user nsid faved photoID at the given time. Errors: ErrNoUser, ErrNoPhoto,
// ErrOwnPhoto, ErrAlreadyFaved, or the journal's (see OpenJournal), which leaves the world unchanged.
func (w *World) AddFave(nsid, photoID string, at time.Time) error {
	u, ph, err := w.userPhoto(nsid, photoID)
	if err != nil {
		return err
	}
	if w.photoOwner[ph] == u {
		return fmt.Errorf("flickrtest: fave %s: %w", photoID, ErrOwnPhoto)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hasFaveLocked(u, ph) {
		return fmt.Errorf("flickrtest: fave %s: %w", photoID, ErrAlreadyFaved)
	}
	if err := w.journalLocked(journalRecord{Kind: journalFave, User: w.nsid[u], Photo: w.photoID(ph), At: at.Unix()}); err != nil {
		return err
	}
	// A generated fave removed earlier stays marked removed: the new fave (with its new time) is
	// the one listed, once.
	w.added[u] = append(w.added[u], uint64(at.Unix())<<32|uint64(ph))
	return nil
}

// RemoveFave undoes a favorite. Errors: ErrNoUser, ErrNoPhoto, ErrNotFaved, or the journal's.
func (w *World) RemoveFave(nsid, photoID string) error {
	u, ph, err := w.userPhoto(nsid, photoID)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.hasFaveLocked(u, ph) {
		return fmt.Errorf("flickrtest: unfave %s: %w", photoID, ErrNotFaved)
	}
	if err := w.journalLocked(journalRecord{Kind: journalUnfave, User: w.nsid[u], Photo: w.photoID(ph)}); err != nil {
		return err
	}
	for i, f := range w.added[u] {
		if int32(f&0xffffffff) == ph {
			w.added[u] = slices.Delete(w.added[u], i, i+1)
			return nil
		}
	}
	if w.removed[u] == nil {
		w.removed[u] = map[int32]bool{}
	}
	w.removed[u][ph] = true
	return nil
}

// AddComment stores a comment by nsid on photoID. Errors: ErrNoUser, ErrNoPhoto, ErrBlankComment, or
// the journal's.
func (w *World) AddComment(nsid, photoID, text string, at time.Time) (Comment, error) {
	u, ph, err := w.userPhoto(nsid, photoID)
	if err != nil {
		return Comment{}, err
	}
	if strings.TrimSpace(text) == "" {
		return Comment{}, fmt.Errorf("flickrtest: comment on %s: %w", photoID, ErrBlankComment)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.journalLocked(journalRecord{Kind: journalComment, User: w.nsid[u], Photo: w.photoID(ph), At: at.Unix(), Text: text}); err != nil {
		return Comment{}, err
	}
	w.commentN++
	c := Comment{ID: fmt.Sprintf("%d-%s-%d", 10_000_000+int64(u), photoID, 72157720000000000+w.commentN),
		PhotoID: photoID, Author: w.nsid[u], Text: text, Created: at.UTC().Truncate(time.Second)}
	w.comments[ph] = append(w.comments[ph], c)
	return c, nil
}

func (w *World) userPhoto(nsid, photoID string) (int32, int32, error) {
	u, ok := w.lookup(nsid)
	if !ok {
		return 0, 0, fmt.Errorf("flickrtest: user %s: %w", nsid, ErrNoUser)
	}
	ph, ok := w.photoIndex(photoID)
	if !ok {
		return 0, 0, fmt.Errorf("flickrtest: photo %s: %w", photoID, ErrNoPhoto)
	}
	if w.isDeleted(w.photoOwner[ph]) {
		return 0, 0, fmt.Errorf("flickrtest: photo %s: %w", photoID, ErrNoPhoto)
	}
	return u, ph, nil
}

func (w *World) isDeleted(u int32) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.deleted[u]
}

func (w *World) hasFaveLocked(u, ph int32) bool {
	for _, f := range w.added[u] {
		if int32(f&0xffffffff) == ph {
			return true
		}
	}
	if w.removed[u][ph] {
		return false
	}
	for _, f := range w.faves[w.faveOff[u]:w.faveOff[u+1]] {
		if int32(f&0xffffffff) == ph {
			return true
		}
	}
	return false
}

// WriteTSV writes every current favorite of every live user as tab-separated lines
// "user_nsid photo_id owner_nsid faved_at_unix", users in index order, newest fave first, no header.
func (w *World) WriteTSV(out io.Writer) error {
	bw := bufio.NewWriterSize(out, 1<<16)
	line := make([]byte, 0, 64)
	for u := range int32(len(w.nsid)) {
		if w.isDeleted(u) {
			continue
		}
		for _, f := range w.faveList(u) {
			ph := int32(f & 0xffffffff)
			line = append(line[:0], w.nsid[u]...)
			line = append(line, '\t')
			line = strconv.AppendInt(line, photoIDBase+int64(ph)*photoIDStride, 10)
			line = append(line, '\t')
			line = append(line, w.nsid[w.photoOwner[ph]]...)
			line = append(line, '\t')
			line = strconv.AppendUint(line, f>>32, 10)
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return fmt.Errorf("flickrtest: write tsv: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("flickrtest: write tsv: %w", err)
	}
	return nil
}
