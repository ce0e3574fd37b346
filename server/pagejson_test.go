package server

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// nastyStrings exercise every escaping rule of encoding/json.
var nastyStrings = []string{
	"", "plain", `quote " and backslash \`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "caf\u00e9 \u65e5\u672c \U0001F4F7", "sep\u2028and\u2029", "bad \xff\xfe utf8 \xe2\x82",
	"https://live.staticflickr.com/65535/1_abc_q.jpg?a=1&b=2", "trailing\xc3",
}

func randomString(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return nastyStrings[r.IntN(len(nastyStrings))]
	}
	var sb strings.Builder
	for range r.IntN(12) {
		switch r.IntN(4) {
		case 0:
			sb.WriteByte(byte(r.IntN(256))) // any byte, valid UTF-8 or not
		case 1:
			sb.WriteRune(rune(r.IntN(0x3000)))
		default:
			sb.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	return sb.String()
}

func randomFloat(r *rand.Rand) float64 {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 1e-7, 1e-6, 9.99e-7, 1e20, 1e21, 1.5e300, 5e-324, 0.1, 123.456, 8.05}
	if r.IntN(2) == 0 {
		return floats[r.IntN(len(floats))]
	}
	return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(50)-25))
}

func randomTime(r *rand.Rand) time.Time {
	switch r.IntN(4) {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(r.Int64N(2e9), 0).UTC()
	case 2:
		return time.Unix(r.Int64N(2e9), r.Int64N(1e9)).In(time.FixedZone("x", (r.IntN(48)-24)*1800))
	}
	return time.Unix(r.Int64N(2e9), r.Int64N(1e9)).UTC()
}

func randomUser(r *rand.Rand) userJSON {
	return userJSON{NSID: randomString(r), Username: randomString(r), Realname: randomString(r), Name: randomString(r),
		IconURL: randomString(r), ProfileURL: randomString(r)}
}

func randomPage(r *rand.Rand) photoPageJSON {
	p := photoPageJSON{Algorithm: "flexplore", NextCursor: randomString(r), Since: randomTime(r)}
	if r.IntN(10) > 0 {
		p.Items = []photoRecJSON{}
	}
	for range r.IntN(6) {
		it := photoRecJSON{
			Photo: photoJSON{ID: randomString(r), Owner: randomString(r), Title: randomString(r), ThumbURL: randomString(r),
				ImageURL: randomString(r), Width: r.IntN(3) * r.IntN(2000), Height: r.IntN(3) * r.IntN(2000), Srcset: randomString(r), PageURL: randomString(r), AddedAt: randomTime(r)},
			Owner: randomUser(r), Score: randomFloat(r), New: r.IntN(2) == 0,
		}
		if r.IntN(10) > 0 {
			it.Reasons = []reasonJSON{}
		}
		for range r.IntN(4) {
			rs := reasonJSON{Kind: graph.ReasonKind(randomString(r)), Count: r.IntN(1000) - 1, Text: randomString(r)}
			if r.IntN(10) > 0 {
				rs.Users = []contributionJSON{}
			}
			for range r.IntN(4) {
				rs.Users = append(rs.Users, contributionJSON{User: randomUser(r), Score: randomFloat(r), Common: r.IntN(500)})
			}
			it.Reasons = append(it.Reasons, rs)
		}
		p.Items = append(p.Items, it)
	}
	return p
}

// TestAppendPhotoPageMatchesEncodingJSON holds the hand-written encoder to json.Marshal,
// byte for byte, on random pages full of strings that need escaping.
func TestAppendPhotoPageMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		p := randomPage(r)
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("page %d: json.Marshal: %v", i, err)
		}
		got, ok := appendPhotoPage(nil, &p)
		if !ok {
			t.Fatalf("page %d: appendPhotoPage refused a page json.Marshal encodes", i)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Fatalf("page %d (-json.Marshal +appendPhotoPage):\n%s", i, diff)
		}
	}
}

// TestAppendPhotoPageRefusesWhatJSONRefuses: values encoding/json rejects are handed back to it.
func TestAppendPhotoPageRefusesWhatJSONRefuses(t *testing.T) {
	tests := []struct {
		name string
		page photoPageJSON
	}{
		{"NaN score", photoPageJSON{Items: []photoRecJSON{{Score: math.NaN()}}}},
		{"infinite reason score", photoPageJSON{Items: []photoRecJSON{{Reasons: []reasonJSON{{Users: []contributionJSON{{Score: math.Inf(1)}}}}}}}},
		{"year 10000", photoPageJSON{Since: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"negative year", photoPageJSON{Items: []photoRecJSON{{Photo: photoJSON{AddedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, jerr := json.Marshal(tt.page)
			_, ok := appendPhotoPage(nil, &tt.page)
			if got, want := ok, jerr == nil; got != want {
				t.Fatalf("appendPhotoPage ok = %v, json.Marshal error %v", got, jerr)
			}
		})
	}
}

// BenchmarkPhotoPageJSON compares the two encoders on a full page (50 items, 3 whys each).
func BenchmarkPhotoPageJSON(b *testing.B) {
	p := photoPageJSON{Algorithm: "flexplore", Items: []photoRecJSON{}, NextCursor: "eyJnIjoiYWJjIn0"}
	u := userJSON{NSID: "12037949754@N01", Username: "someone", Realname: "Some One", Name: "Some One",
		IconURL: "https://farm66.staticflickr.com/65535/buddyicons/12037949754@N01.jpg", ProfileURL: "https://www.flickr.com/photos/12037949754@N01/"}
	for i := range 50 {
		it := photoRecJSON{Photo: photoJSON{ID: "5331862" + string(rune('0'+i%10)), Owner: u.NSID, Title: "Evening light over the harbour",
			ThumbURL: "https://live.staticflickr.com/65535/53318620000_abcdef1234_q.jpg", ImageURL: "https://live.staticflickr.com/65535/53318620000_abcdef1234_b.jpg",
			PageURL: "https://www.flickr.com/photos/12037949754@N01/53318620000/", AddedAt: time.Unix(1.7e9, 0).UTC()},
			Owner: u, Score: 12.3456789 * float64(i+1)}
		rs := reasonJSON{Kind: graph.ReasonCoFavers, Count: 14}
		for range 3 {
			rs.Users = append(rs.Users, contributionJSON{User: u, Score: 4.56789, Common: 382})
		}
		it.Reasons = []reasonJSON{rs}
		p.Items = append(p.Items, it)
	}
	b.Run("encoding_json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 64<<10)
		for b.Loop() {
			buf, _ = appendPhotoPage(buf[:0], &p)
		}
	})
}
