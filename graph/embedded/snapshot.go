package embedded

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// snapMagic opens every snapshot this version writes; snapMagicV3 ones (one finished pull per
// user) and snapMagicV2 ones (no photo sizes either) are still read.
const (
	snapMagic   = "PHOTOREC-SNAPSHOT-4\n"
	snapMagicV3 = "PHOTOREC-SNAPSHOT-3\n"
	snapMagicV2 = "PHOTOREC-SNAPSHOT-2\n"
)

// snapshotName is the file holding the state as of log sequence seq.
func snapshotName(seq uint64) string { return fmt.Sprintf("snapshot-%016x.bin", seq) }

// crcWriter feeds everything written through it into a CRC.
type crcWriter struct {
	w *bufio.Writer
	h hash.Hash32
	e enc
}

// flush writes the pending encoded bytes.
func (c *crcWriter) flush() error {
	if len(c.e.b) == 0 {
		return nil
	}
	c.h.Write(c.e.b)
	_, err := c.w.Write(c.e.b)
	c.e.b = c.e.b[:0]
	return err
}

// writeSnapshot writes st to dir as snapshot-<st.seq>.bin: to a temporary file, fsynced, renamed,
// and the directory fsynced, so a snapshot file that exists is complete. It returns the size.
func writeSnapshot(dir string, st *state) (int64, error) {
	final := filepath.Join(dir, snapshotName(st.seq))
	tmp := final + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, fmt.Errorf("embedded: create snapshot: %w", err)
	}
	defer os.Remove(tmp)
	defer f.Close()
	c := &crcWriter{w: bufio.NewWriterSize(f, 1<<20), h: crc32.NewIEEE()}
	e := &c.e
	e.b = append(e.b, snapMagic...)
	e.uvar(st.seq)
	e.uvar(uint64(len(st.photos)))
	for i := range st.photos {
		p := &st.photos[i]
		e.str(p.id)
		e.uvar(uint64(st.owner[i]) + 1) // none wraps to 0
		e.svar(int64(p.farm))
		e.uvar(uint64(p.w))
		e.uvar(uint64(p.h))
		e.str(p.meta)
		e.svar(p.addedAt)
		if len(e.b) > 1<<16 {
			if err := c.flush(); err != nil {
				return 0, fmt.Errorf("embedded: write snapshot: %w", err)
			}
		}
	}
	e.uvar(uint64(len(st.users)))
	for i := range st.users {
		u := &st.users[i]
		e.str(u.nsid)
		e.str(u.username)
		e.str(u.realname)
		e.str(u.icon)
		e.uvar(uint64(len(u.faves)))
		prev := uint32(0)
		for _, p := range u.faves {
			e.uvar(uint64(p - prev)) // sorted: deltas are small
			prev = p
		}
		e.u32raw(u.favedAt)
		e.bool1(u.x != nil)
		if x := u.x; x != nil {
			e.u32s(x.contacts)
			e.u32s(x.dismissedPhotos)
			e.u32s(x.dismissedUsers)
			e.svar(x.lastPull)
			e.svar(x.lastFullPull)
			e.svar(x.lastVisit)
			e.bool1(x.registered)
			e.bool1(x.token != nil)
			e.bytes(x.token)
			e.uvar(uint64(len(x.finished)))
			for _, id := range x.finished {
				e.str(id)
			}
			e.uvar(uint64(len(x.pulls)))
			for _, p := range x.pulls {
				e.str(p.id)
				e.u32s(p.seen)
			}
			e.uvar(uint64(len(x.dropped)))
			for _, id := range x.dropped {
				e.str(id)
			}
		}
		if len(e.b) > 1<<16 {
			if err := c.flush(); err != nil {
				return 0, fmt.Errorf("embedded: write snapshot: %w", err)
			}
		}
	}
	if err := c.flush(); err != nil {
		return 0, fmt.Errorf("embedded: write snapshot: %w", err)
	}
	if err := binary.Write(c.w, binary.LittleEndian, c.h.Sum32()); err != nil {
		return 0, fmt.Errorf("embedded: write snapshot: %w", err)
	}
	if err := c.w.Flush(); err != nil {
		return 0, fmt.Errorf("embedded: write snapshot: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("embedded: sync snapshot: %w", err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("embedded: snapshot size: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("embedded: close snapshot: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return 0, fmt.Errorf("embedded: publish snapshot: %w", err)
	}
	return size, syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("embedded: open dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("embedded: sync dir: %w", err)
	}
	return nil
}

// readSnapshot loads a snapshot file written by writeSnapshot, checking its CRC.
func readSnapshot(path string) (*state, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("embedded: read snapshot: %w", err)
	}
	if len(raw) < len(snapMagic)+4 {
		return nil, fmt.Errorf("embedded: snapshot %s: bad header: %w", path, errCorrupt)
	}
	var version int
	switch string(raw[:len(snapMagic)]) {
	case snapMagic:
		version = 4
	case snapMagicV3:
		version = 3
	case snapMagicV2:
		version = 2
	default:
		return nil, fmt.Errorf("embedded: snapshot %s: bad header: %w", path, errCorrupt)
	}
	sized := version >= 3
	body := raw[:len(raw)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(raw[len(raw)-4:]) {
		return nil, fmt.Errorf("embedded: snapshot %s: checksum mismatch: %w", path, errCorrupt)
	}
	d := &dec{b: body[len(snapMagic):]}
	st := newState()
	st.seq = d.uvar()
	np := d.count()
	st.photos = make([]photo, np)
	st.owner = make([]uint32, np)
	st.favers = make([][]uint32, np)
	st.photoNum = make(map[uint64]uint32, np)
	for i := 0; i < np && d.err == nil; i++ {
		p := &st.photos[i]
		p.id = d.str()
		st.owner[i] = uint32(d.uvar() - 1)
		p.farm = int32(d.svar())
		if sized {
			p.w, p.h = uint16(d.uvar()), uint16(d.uvar())
		}
		p.meta = d.str()
		p.addedAt = d.svar()
		st.indexPhoto(p.id, uint32(i))
		if st.owner[i] != none {
			st.known++
		}
	}
	nu := d.count()
	st.users = make([]user, nu)
	st.userIdx = make(map[string]uint32, nu)
	counts := make([]uint32, np)
	for i := 0; i < nu && d.err == nil; i++ {
		u := &st.users[i]
		u.nsid, u.username, u.realname, u.icon = d.str(), d.str(), d.str(), d.str()
		st.userIdx[u.nsid] = uint32(i)
		nf := d.count()
		if nf > 0 {
			u.faves = make([]uint32, nf)
			u.favedAt = make([]uint32, nf)
		}
		prev := uint32(0)
		for j := 0; j < nf; j++ {
			prev += d.u32()
			if int(prev) >= np {
				d.fail()
				break
			}
			u.faves[j] = prev
			counts[prev]++
		}
		for j := 0; j < nf; j++ {
			u.favedAt[j] = d.u32()
		}
		st.faves += nf
		if d.bool1() {
			x := &userExtra{}
			u.x = x
			x.contacts, x.dismissedPhotos, x.dismissedUsers = d.u32s(), d.u32s(), d.u32s()
			x.lastPull, x.lastFullPull, x.lastVisit = d.svar(), d.svar(), d.svar()
			x.registered = d.bool1()
			hasToken := d.bool1()
			tok := d.raw()
			if hasToken {
				x.token = append(make([]byte, 0, len(tok)), tok...)
			}
			if version >= 4 {
				nfinished := d.count()
				for j := 0; j < nfinished && d.err == nil; j++ {
					x.finished = append(x.finished, d.str())
				}
			} else if id := d.str(); id != "" {
				x.finished = []string{id}
			}
			npulls := d.count()
			for j := 0; j < npulls && d.err == nil; j++ {
				x.pulls = append(x.pulls, pullSeen{id: d.str(), seen: d.u32s()})
			}
			ndropped := d.count()
			for j := 0; j < ndropped && d.err == nil; j++ {
				x.dropped = append(x.dropped, d.str())
			}
			st.follows += len(x.contacts)
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("embedded: snapshot %s: %w", path, errCorrupt)
	}
	st.count = counts
	for p, n := range counts {
		if n > 0 {
			st.favers[p] = make([]uint32, 0, n)
		}
	}
	for i := range st.users {
		for _, p := range st.users[i].faves {
			st.favers[p] = append(st.favers[p], uint32(i))
		}
	}
	for p, o := range st.owner {
		if o != none {
			if int(o) >= nu {
				return nil, fmt.Errorf("embedded: snapshot %s: %w", path, errCorrupt)
			}
			st.users[o].took = append(st.users[o].took, uint32(p))
		}
	}
	return st, nil
}
