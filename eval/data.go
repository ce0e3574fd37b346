package eval

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/photorec/photorec/internal/favetsv"
)

// Fave is one favorite of the data set: User faved Photo, taken by Owner, at FavedAt (Unix
// seconds; 0 when unknown). Strings are interned: equal IDs share one copy.
type Fave struct {
	User, Photo, Owner string
	FavedAt            int64
}

// ReadFaves reads a favorites TSV in the import format (favetsv.Format). The first malformed line
// is an error naming it. A (user, photo) pair listed twice is kept once, with the later time.
func ReadFaves(r io.Reader) ([]Fave, error) {
	rd := favetsv.NewReader(r)
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	var out []Fave
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("eval: read favorites: %w", err)
		}
		f := Fave{User: in(row.User), Photo: in(row.PhotoID), Owner: in(row.Owner)}
		if !row.FavedAt.IsZero() {
			f.FavedAt = row.FavedAt.Unix()
		}
		out = append(out, f)
	}
	return dedupe(out), nil
}

// dedupe sorts faves by user, then photo, and keeps one fave per pair (the latest time).
func dedupe(faves []Fave) []Fave {
	slices.SortFunc(faves, func(a, b Fave) int {
		return cmp.Or(cmp.Compare(a.User, b.User), cmp.Compare(a.Photo, b.Photo), cmp.Compare(b.FavedAt, a.FavedAt))
	})
	return slices.CompactFunc(faves, func(a, b Fave) bool { return a.User == b.User && a.Photo == b.Photo })
}

// SplitMode picks which favorite of each user is held out.
type SplitMode string

// Split modes.
const (
	// SplitRandom holds out one favorite per user, drawn with a seeded generator.
	SplitRandom SplitMode = "random"
	// SplitTime holds out each user's latest favorite (ties: the highest photo ID).
	SplitTime SplitMode = "time"
)

// Split is a data set cut into training faves and held-out pairs.
type Split struct {
	Train []Fave              // sorted by user, then photo
	Test  map[string][]string // user NSID -> held-out photo IDs, sorted
	// Owners maps each held-out photo ID to its owner's NSID (for the breakdown by owner).
	Owners map[string]string
	// Follows maps a user's NSID to the NSIDs they follow (their Flickr contacts); nil when the
	// data set has none. Load writes them as the users' contacts.
	Follows map[string][]string
}

// TestUsers lists the users with held-out pairs, sorted by NSID.
func (s Split) TestUsers() []string {
	users := make([]string, 0, len(s.Test))
	for u := range s.Test {
		users = append(users, u)
	}
	slices.Sort(users)
	return users
}

// TestPairs counts the held-out pairs.
func (s Split) TestPairs() int {
	n := 0
	for _, ps := range s.Test {
		n += len(ps)
	}
	return n
}

// HoldOut holds out one favorite of every user with at least minFaves favorites (minFaves < 2
// means 2, so every evaluated user keeps a training fave). The result depends only on the set of
// faves, mode and seed, not on input order. SplitTime needs a known FavedAt on every held-out
// user's faves; a user without one is an error naming them.
func HoldOut(faves []Fave, mode SplitMode, seed uint64, minFaves int) (Split, error) {
	if mode != SplitRandom && mode != SplitTime {
		return Split{}, fmt.Errorf("eval: unknown split %q (want random or time)", mode)
	}
	minFaves = max(minFaves, 2)
	faves = dedupe(slices.Clone(faves))
	r := rand.New(rand.NewPCG(seed, 0x70686f746f726563)) // "photorec"
	split := Split{Test: map[string][]string{}, Owners: map[string]string{}}
	split.Train = make([]Fave, 0, len(faves))
	for lo := 0; lo < len(faves); {
		hi := lo
		for hi < len(faves) && faves[hi].User == faves[lo].User {
			hi++
		}
		mine := faves[lo:hi]
		held := -1
		if len(mine) >= minFaves {
			switch mode {
			case SplitRandom:
				held = r.IntN(len(mine))
			case SplitTime:
				for i, f := range mine {
					if f.FavedAt == 0 {
						return Split{}, fmt.Errorf("eval: split time: a favorite of %s (photo %s) has no faved_at", f.User, f.Photo)
					}
					if held < 0 || f.FavedAt >= mine[held].FavedAt {
						held = i
					}
				}
			}
		}
		for i, f := range mine {
			if i == held {
				split.Test[f.User] = []string{f.Photo}
				split.Owners[f.Photo] = f.Owner
				continue
			}
			split.Train = append(split.Train, f)
		}
		lo = hi
	}
	return split, nil
}

// WithTest splits faves by an explicit list of held-out pairs: every pair in test is removed from
// the training faves (if present) and held out, whether or not faves listed it.
func WithTest(faves, test []Fave) Split {
	held := map[[2]string]bool{}
	split := Split{Test: map[string][]string{}, Owners: map[string]string{}}
	for _, f := range dedupe(slices.Clone(test)) {
		held[[2]string{f.User, f.Photo}] = true
		split.Test[f.User] = append(split.Test[f.User], f.Photo)
		split.Owners[f.Photo] = f.Owner
	}
	for _, f := range dedupe(slices.Clone(faves)) {
		if !held[[2]string{f.User, f.Photo}] {
			split.Train = append(split.Train, f)
		}
	}
	return split
}

// ReadFollows reads follow edges, one per line: follower_nsid<TAB>followee_nsid (Flickr
// contacts). Blank lines are skipped; any other line without exactly two non-empty fields is an
// error naming it. It returns follower -> followees, sorted and without repeats.
func ReadFollows(r io.Reader) (map[string][]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	out := map[string][]string{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 2 || f[0] == "" || f[1] == "" {
			return nil, fmt.Errorf("eval: follows line %d: want follower<TAB>followee, got %q", n, line)
		}
		out[f[0]] = append(out[f[0]], f[1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: read follows: %w", err)
	}
	for k, v := range out {
		slices.Sort(v)
		out[k] = slices.Compact(v)
	}
	return out, nil
}
