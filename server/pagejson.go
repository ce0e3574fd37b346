package server

import (
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// The photo recommendations page is the API's hottest and largest response (50 items, each
// with a photo, its owner and up to 20 contributing users). Encoding it with encoding/json's
// reflection took about as much CPU as the graph query itself under load (docs/load.md), so
// it has this hand-written encoder. Its output is byte for byte what json.Marshal produces
// (HTML-safe escaping, invalid UTF-8 as U+FFFD, ES6 float format); pagejson_test.go holds the
// two to each other.

var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// sendPhotoPage writes p as the JSON response, like c.JSON(p).
func sendPhotoPage(c *fiber.Ctx, p *photoPageJSON) error {
	bp := pageBufs.Get().(*[]byte)
	defer pageBufs.Put(bp)
	b, ok := appendPhotoPage((*bp)[:0], p)
	*bp = b[:0]
	if !ok { // something encoding/json rejects or formats its own way: let it decide
		return c.JSON(p)
	}
	c.Response().SetBody(b) // copies: the buffer goes back to the pool
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	return nil
}

// appendPhotoPage appends the JSON of p; ok is false when p holds a value (a non-finite
// score, a time outside years 0-9999) that only encoding/json should handle.
func appendPhotoPage(b []byte, p *photoPageJSON) (_ []byte, ok bool) {
	b = append(b, `{"algorithm":`...)
	b = appendJSONString(b, string(p.Algorithm))
	b = append(b, `,"items":`...)
	if p.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Items {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendPhotoRec(b, &p.Items[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if p.NextCursor != "" {
		b = append(b, `,"next_cursor":`...)
		b = appendJSONString(b, p.NextCursor)
	}
	if !p.Since.IsZero() {
		b = append(b, `,"since":`...)
		if b, ok = appendJSONTime(b, p.Since); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func appendPhotoRec(b []byte, r *photoRecJSON) (_ []byte, ok bool) {
	b = append(b, `{"photo":`...)
	if b, ok = appendPhotoView(b, &r.Photo); !ok {
		return b, false
	}
	b = append(b, `,"owner":`...)
	b = appendUserView(b, &r.Owner)
	b = append(b, `,"score":`...)
	if b, ok = appendJSONFloat(b, r.Score); !ok {
		return b, false
	}
	b = append(b, `,"reasons":`...)
	if r.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Reasons {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendReason(b, &r.Reasons[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"new":`...)
	b = strconv.AppendBool(b, r.New)
	return append(b, '}'), true
}

func appendReason(b []byte, r *reasonJSON) (_ []byte, ok bool) {
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, string(r.Kind))
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(r.Count), 10)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, r.Text)
	b = append(b, `,"users":`...)
	if r.Users == nil {
		return append(b, "null}"...), true
	}
	b = append(b, '[')
	for i := range r.Users {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"user":`...)
		b = appendUserView(b, &r.Users[i].User)
		b = append(b, `,"score":`...)
		if b, ok = appendJSONFloat(b, r.Users[i].Score); !ok {
			return b, false
		}
		b = append(b, `,"common":`...)
		b = strconv.AppendInt(b, int64(r.Users[i].Common), 10)
		b = append(b, '}')
	}
	return append(b, "]}"...), true
}

func appendPhotoView(b []byte, p *photoJSON) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, p.ID)
	b = append(b, `,"owner":`...)
	b = appendJSONString(b, p.Owner)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, p.Title)
	if p.ThumbURL != "" {
		b = append(b, `,"thumb_url":`...)
		b = appendJSONString(b, p.ThumbURL)
	}
	if p.ImageURL != "" {
		b = append(b, `,"image_url":`...)
		b = appendJSONString(b, p.ImageURL)
	}
	if p.Width != 0 {
		b = append(b, `,"width":`...)
		b = strconv.AppendInt(b, int64(p.Width), 10)
	}
	if p.Height != 0 {
		b = append(b, `,"height":`...)
		b = strconv.AppendInt(b, int64(p.Height), 10)
	}
	if p.Srcset != "" {
		b = append(b, `,"srcset":`...)
		b = appendJSONString(b, p.Srcset)
	}
	b = append(b, `,"page_url":`...)
	b = appendJSONString(b, p.PageURL)
	if !p.AddedAt.IsZero() {
		b = append(b, `,"added_at":`...)
		if b, ok = appendJSONTime(b, p.AddedAt); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func appendUserView(b []byte, u *userJSON) []byte {
	b = append(b, `{"nsid":`...)
	b = appendJSONString(b, u.NSID)
	if u.Username != "" {
		b = append(b, `,"username":`...)
		b = appendJSONString(b, u.Username)
	}
	if u.Realname != "" {
		b = append(b, `,"realname":`...)
		b = appendJSONString(b, u.Realname)
	}
	b = append(b, `,"name":`...)
	b = appendJSONString(b, u.Name)
	if u.IconURL != "" {
		b = append(b, `,"icon_url":`...)
		b = appendJSONString(b, u.IconURL)
	}
	if u.ProfileURL != "" {
		b = append(b, `,"profile_url":`...)
		b = appendJSONString(b, u.ProfileURL)
	}
	return append(b, '}')
}

// appendJSONTime is time.Time's MarshalJSON (RFC 3339 with nanoseconds, quoted); years
// outside 0-9999 are refused, as MarshalJSON refuses them.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 { // odd zones: let MarshalJSON decide
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendJSONFloat formats f as encoding/json does for a float64 (ES6 number to string).
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 -> e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes appendJSONString copies as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does with HTML escaping on: <, > and & become
// \u003c, \u003e and \u0026; control characters are escaped; invalid UTF-8 becomes \ufffd;
// U+2028 and U+2029 are escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
