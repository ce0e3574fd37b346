package flickrtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Kinds of journal lines after the header.
const (
	journalFave    = "fave"
	journalUnfave  = "unfave"
	journalComment = "comment"
)

// journalFormat and journalVersion name the file format in the header line.
const (
	journalFormat  = "flickrtest-journal"
	journalVersion = 1
)

// JournalStats says what OpenJournal found in the file.
type JournalStats struct {
	Replayed int // writes applied to the world, in file order
	Skipped  int // writes the world already had (fave of a faved photo, unfave of an unfaved one, the same comment)
	// TornBytes is the size of an incomplete last line (a crash mid-write), cut off the file.
	TornBytes int
	// MovedAside is the path the file was renamed to because its header names another world
	// (path + ".old", replacing an older one); empty when the file was kept or did not exist.
	MovedAside string
}

// journalHeader is the first line: the world the writes belong to. Two worlds with equal headers
// come from the same Generate options.
type journalHeader struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Seed     int64  `json:"seed"`
	Users    int    `json:"users"`
	Photos   int    `json:"photos"`
	Faves    int    `json:"faves"`    // generated favorites
	Contacts int    `json:"contacts"` // generated contact edges
	Start    int64  `json:"start"`    // unix seconds
	End      int64  `json:"end"`      // unix seconds
}

// journalRecord is one write: Kind is fave, unfave or comment; At is unix seconds (zero for unfave,
// which Flickr does not date); Text only for comments.
type journalRecord struct {
	Kind  string `json:"kind"`
	User  string `json:"user"`
	Photo string `json:"photo"`
	At    int64  `json:"at,omitempty"`
	Text  string `json:"text,omitempty"`
}

// journal is an open journal file; World.mu guards it.
type journal struct {
	f    *os.File
	path string
	size int64 // bytes of whole lines in the file
}

func (w *World) journalHeader() journalHeader {
	return journalHeader{Format: journalFormat, Version: journalVersion, Seed: int64(w.seed),
		Users: len(w.nsid), Photos: len(w.photoOwner), Faves: len(w.faves), Contacts: len(w.contacts),
		Start: w.start, End: w.end}
}

// OpenJournal makes the world's writes (AddFave, RemoveFave, AddComment) outlive the process.
// It replays the journal at path, if there is one, into the world in file order, then appends
// every later successful write to it as one JSON line, written whole by a single Write (not
// synced: it survives a crash of the process, not of the machine). A write whose line cannot be
// appended fails and leaves the world unchanged. The parent directory is created (0700) if
// missing; the file is made 0600 (private), also when it existed with a looser mode.
//
// The first line names the world (seed, sizes and time span). A file written for another world is
// renamed to path + ".old" (see JournalStats.MovedAside) and a new journal started. An incomplete
// last line is cut off (JournalStats.TornBytes). Replay is idempotent: a fave the world already
// has, an unfave of a photo it does not have and a comment equal to one it has (author, text,
// second) are skipped. Any other line that does not decode or apply is an error naming the file
// and line; the file is then left as it was and the world may hold the lines before it, so
// discard the world.
//
// Call it before the world takes writes (before the server serves), once per world; close with
// CloseJournal.
func (w *World) OpenJournal(path string) (JournalStats, error) {
	var st JournalStats
	w.mu.RLock()
	open := w.journal != nil
	w.mu.RUnlock()
	if open {
		return st, fmt.Errorf("flickrtest: journal %s: the world already has an open journal", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return st, fmt.Errorf("flickrtest: journal: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("flickrtest: journal: %w", err)
	}
	whole := data[:bytes.LastIndexByte(data, '\n')+1]
	st.TornBytes = len(data) - len(whole)

	fresh := len(whole) == 0
	if !fresh {
		first, rest, _ := bytes.Cut(whole, []byte{'\n'})
		var h journalHeader
		if err := json.Unmarshal(first, &h); err != nil {
			return st, fmt.Errorf("flickrtest: journal %s line 1: header: %w", path, err)
		}
		if h != w.journalHeader() {
			st.MovedAside, st.TornBytes = path+".old", 0
			if err := os.Rename(path, st.MovedAside); err != nil {
				return st, fmt.Errorf("flickrtest: journal: move aside a journal of another world: %w", err)
			}
			fresh = true
		} else if err := w.replay(path, rest, &st); err != nil {
			return st, err
		}
	}

	j := &journal{path: path}
	if fresh {
		hdr, _ := json.Marshal(w.journalHeader())
		j.f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o600)
		if err == nil {
			_, err = j.f.Write(append(hdr, '\n'))
			j.size = int64(len(hdr) + 1)
		}
	} else {
		j.f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0o600)
		if err == nil && st.TornBytes > 0 {
			err = j.f.Truncate(int64(len(whole)))
		}
		j.size = int64(len(whole))
	}
	if err == nil {
		// What people did in the world is theirs: private, also when an earlier version made
		// the file readable by all.
		err = j.f.Chmod(0o600)
	}
	if err != nil {
		if j.f != nil {
			_ = j.f.Close()
		}
		return st, fmt.Errorf("flickrtest: journal: %w", err)
	}
	w.mu.Lock()
	w.journal = j
	w.mu.Unlock()
	return st, nil
}

// replay applies the lines after the header; lines are the file's whole lines from line 2 on.
func (w *World) replay(path string, lines []byte, st *JournalStats) error {
	for n := 2; len(lines) > 0; n++ {
		var line []byte
		line, lines, _ = bytes.Cut(lines, []byte{'\n'})
		var r journalRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("flickrtest: journal %s line %d: %w", path, n, err)
		}
		var err error
		skipped := false
		switch r.Kind {
		case journalFave:
			err = w.AddFave(r.User, r.Photo, time.Unix(r.At, 0))
			skipped = errors.Is(err, ErrAlreadyFaved)
		case journalUnfave:
			err = w.RemoveFave(r.User, r.Photo)
			skipped = errors.Is(err, ErrNotFaved)
		case journalComment:
			if skipped = w.hasComment(r); !skipped {
				_, err = w.AddComment(r.User, r.Photo, r.Text, time.Unix(r.At, 0))
			}
		default:
			err = fmt.Errorf("unknown kind %q", r.Kind)
		}
		switch {
		case skipped:
			st.Skipped++
		case err != nil:
			return fmt.Errorf("flickrtest: journal %s line %d: %w", path, n, err)
		default:
			st.Replayed++
		}
	}
	return nil
}

// hasComment reports whether the photo already carries the comment of r.
func (w *World) hasComment(r journalRecord) bool {
	for _, c := range w.Comments(r.Photo) {
		if c.Author == r.User && c.Text == r.Text && c.Created.Unix() == r.At {
			return true
		}
	}
	return false
}

// journalLocked appends r to the open journal, if any; the caller holds w.mu for writing and
// applies the write only if this returns nil. A failed append is cut off again, so the file keeps
// whole lines only.
func (w *World) journalLocked(r journalRecord) error {
	j := w.journal
	if j == nil {
		return nil
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("flickrtest: journal %s: %w", j.path, err)
	}
	n, err := j.f.Write(append(line, '\n'))
	if err != nil {
		if n > 0 {
			_ = j.f.Truncate(j.size)
		}
		return fmt.Errorf("flickrtest: journal %s: %w", j.path, err)
	}
	j.size += int64(n)
	return nil
}

// CloseJournal syncs and closes the journal OpenJournal opened; later writes are not journaled.
// It does nothing when no journal is open.
func (w *World) CloseJournal() error {
	w.mu.Lock()
	j := w.journal
	w.journal = nil
	w.mu.Unlock()
	if j == nil {
		return nil
	}
	if err := errors.Join(j.f.Sync(), j.f.Close()); err != nil {
		return fmt.Errorf("flickrtest: journal %s: %w", j.path, err)
	}
	return nil
}
