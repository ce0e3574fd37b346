package favetsv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Format, for --help texts and error messages.
const Format = "user_nsid<TAB>photo_id<TAB>owner_nsid[<TAB>faved_at_unix]"

// Header is the optional first line (the fourth column may be left out of it).
const Header = "user_nsid\tphoto_id\towner_nsid\tfaved_at_unix"

// MaxLineBytes is the longest line accepted; a longer line stops reading.
const MaxLineBytes = 64 << 10

// Bounds of faved_at_unix: after 1970-01-01 and before 2100-01-01.
const (
	minFavedAt = 1
	maxFavedAt = 4102444800
)

// Row is one favorite: User faved photo PhotoID, taken by Owner.
type Row struct {
	Line    int       // 1-based line number in the input
	User    string    // NSID, e.g. "12037949754@N01"
	PhotoID string    // decimal digits
	Owner   string    // NSID; never equal to User
	FavedAt time.Time // UTC; zero when the column is absent or empty
}

// Error is one malformed line.
type Error struct {
	Line   int    // 1-based
	Reason string // what is wrong, e.g. `owner_nsid "bob" is not an NSID (like 12037949754@N01)`
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Reader reads rows one at a time from a favorites TSV stream.
//
// Blank lines and lines starting with "#" (after optional spaces) are skipped. The first other
// line may be a header starting with "user_nsid". Fields are separated by single tabs; spaces
// around a field are ignored; "\r\n" line ends and a leading UTF-8 byte order mark are accepted.
type Reader struct {
	sc       *bufio.Scanner
	line     int
	seenData bool
	done     error // sticky: io.EOF or a fatal error
}

// NewReader returns a Reader of r. It buffers r itself.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	return &Reader{sc: sc}
}

// Line returns the number of lines consumed so far.
func (r *Reader) Line() int { return r.line }

// Next returns the next row. It returns io.EOF after the last one. A malformed line gives an
// *Error, and reading may continue with the next call. A line over MaxLineBytes gives an *Error
// and ends the input (later calls return io.EOF); a read error of the underlying reader is
// returned wrapped and repeated by later calls.
func (r *Reader) Next() (Row, error) {
	if r.done != nil {
		return Row{}, r.done
	}
	for r.sc.Scan() {
		r.line++
		b := r.sc.Bytes()
		if r.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		b = bytes.TrimSuffix(b, []byte("\r"))
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		first := !r.seenData
		r.seenData = true
		if first && bytes.HasPrefix(trimmed, []byte("user_nsid")) {
			if err := checkHeader(b); err != nil {
				return Row{}, &Error{Line: r.line, Reason: err.Error()}
			}
			continue
		}
		row, err := parse(b)
		if err != nil {
			return Row{}, &Error{Line: r.line, Reason: err.Error()}
		}
		row.Line = r.line
		return row, nil
	}
	switch err := r.sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		r.done = io.EOF
		return Row{}, &Error{Line: r.line + 1, Reason: fmt.Sprintf("line longer than %d bytes; reading stopped here", MaxLineBytes)}
	case err != nil:
		r.done = fmt.Errorf("favetsv: read after line %d: %w", r.line, err)
		return Row{}, r.done
	}
	r.done = io.EOF
	return Row{}, io.EOF
}

// fields splits b on tabs into at most 5 fields (5 meaning "too many"), trimming spaces.
func fields(b []byte, out *[5][]byte) int {
	n := 0
	for n < 4 {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			break
		}
		out[n] = bytes.TrimSpace(b[:i])
		b = b[i+1:]
		n++
	}
	if n == 4 && bytes.IndexByte(b, '\t') >= 0 {
		return 5
	}
	out[n] = bytes.TrimSpace(b)
	return n + 1
}

func checkHeader(b []byte) error {
	var f [5][]byte
	n := fields(b, &f)
	want := []string{"user_nsid", "photo_id", "owner_nsid", "faved_at_unix"}
	ok := n == 3 || n == 4
	for i := 0; ok && i < n; i++ {
		ok = string(f[i]) == want[i]
	}
	if !ok {
		return fmt.Errorf("header must be %q (the last column optional), got %q", Header, truncate(b))
	}
	return nil
}

func parse(b []byte) (Row, error) {
	var f [5][]byte
	n := fields(b, &f)
	if n != 3 && n != 4 {
		hint := ""
		if n == 1 && bytes.ContainsAny(b, " ,;") {
			hint = " (is the file tab-separated?)"
		}
		return Row{}, fmt.Errorf("want 3 or 4 tab-separated fields (%s), got %d%s", Format, n, hint)
	}
	row := Row{User: string(f[0]), PhotoID: string(f[1]), Owner: string(f[2])}
	if !IsNSID(row.User) {
		return Row{}, fmt.Errorf("user_nsid %q is not an NSID (like 12037949754@N01)", truncate(f[0]))
	}
	if !isPhotoID(f[1]) {
		return Row{}, fmt.Errorf("photo_id %q is not a photo ID (1 to 20 digits)", truncate(f[1]))
	}
	if !IsNSID(row.Owner) {
		return Row{}, fmt.Errorf("owner_nsid %q is not an NSID (like 12037949754@N01)", truncate(f[2]))
	}
	if row.User == row.Owner {
		return Row{}, fmt.Errorf("user_nsid equals owner_nsid %s: Flickr members cannot fave their own photos", row.User)
	}
	if n == 4 && len(f[3]) > 0 {
		sec, err := strconv.ParseInt(string(f[3]), 10, 64)
		if err != nil || sec < minFavedAt || sec >= maxFavedAt {
			return Row{}, fmt.Errorf("faved_at_unix %q is not a time in seconds since 1970 before 2100", truncate(f[3]))
		}
		row.FavedAt = time.Unix(sec, 0).UTC()
	}
	return row, nil
}

// IsNSID reports whether s looks like a Flickr NSID: digits, "@N", two digits.
func IsNSID(s string) bool {
	at := len(s) - 4
	if at < 1 || s[at] != '@' || s[at+1] != 'N' || !digits(s[at+2:]) {
		return false
	}
	return digits(s[:at])
}

func isPhotoID(b []byte) bool {
	return len(b) <= 20 && digits(string(b))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncate keeps error messages short when a field is huge.
func truncate(b []byte) string {
	const maxShown = 60
	if len(b) > maxShown {
		return string(b[:maxShown]) + "..."
	}
	return string(b)
}
