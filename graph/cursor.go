package graph

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math"
	"unicode/utf8"
)

// CursorKind tells which ranking a Cursor belongs to.
type CursorKind byte

// Cursor kinds.
const (
	PhotoCursor CursorKind = 'p' // a position in RecommendPhotos
	UserCursor  CursorKind = 'u' // a position in RecommendUsers
)

const cursorVersion = 1

// Cursor is a keyset position in a ranking ordered by score desc, then ID asc: the last item of
// the previous page. Backends share it so that a page's NextCursor is EncodeCursor of its last item.
type Cursor struct {
	Kind  CursorKind
	Score float64 // finite, >= 0
	ID    string  // photo ID or NSID of the last item returned
}

// After reports whether the item (score, id) comes strictly after c in ranking order.
func (c Cursor) After(score float64, id string) bool {
	if score != c.Score {
		return score < c.Score
	}
	return id > c.ID
}

// EncodeCursor returns the opaque, URL-safe text of c (base64url, with a checksum).
func EncodeCursor(c Cursor) string {
	buf := make([]byte, 0, 2+8+len(c.ID)+4)
	buf = append(buf, cursorVersion, byte(c.Kind))
	buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(c.Score))
	buf = append(buf, c.ID...)
	buf = binary.BigEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
	return base64.RawURLEncoding.EncodeToString(buf)
}

// DecodeCursor parses text made by EncodeCursor for the given kind. Anything else (bad base64,
// wrong checksum, version or kind, a non-finite or negative score, a bad ID) gives an
// *ArgumentError for field "cursor". It never panics.
func DecodeCursor(text string, kind CursorKind) (Cursor, error) {
	bad := func(reason string) (Cursor, error) {
		return Cursor{}, &ArgumentError{Field: "cursor", Reason: reason}
	}
	if len(text) > 4*(2+8+MaxIDLen+4)/3+4 {
		return bad("too long")
	}
	for i := 0; i < len(text); i++ { // the decoder would skip '\r' and '\n'
		if c := text[i]; (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return bad("not a cursor")
		}
	}
	buf, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil {
		return bad("not a cursor")
	}
	if len(buf) < 2+8+1+4 {
		return bad("not a cursor")
	}
	body, sum := buf[:len(buf)-4], binary.BigEndian.Uint32(buf[len(buf)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("unknown cursor")
	}
	if body[0] != cursorVersion {
		return bad("unknown cursor version")
	}
	if CursorKind(body[1]) != kind {
		return bad("cursor of another listing")
	}
	score := math.Float64frombits(binary.BigEndian.Uint64(body[2:10]))
	if math.IsNaN(score) || math.IsInf(score, 0) || score < 0 {
		return bad("bad score")
	}
	id := string(body[10:])
	if !validID(id) {
		return bad("bad id")
	}
	return Cursor{Kind: kind, Score: score, ID: id}, nil
}

// MaxIDLen is the longest NSID or photo ID a store accepts, in bytes.
const MaxIDLen = 64

func validID(s string) bool {
	if s == "" || len(s) > MaxIDLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}
