package graph

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCursorRoundTrip(t *testing.T) {
	tests := []Cursor{
		{Kind: PhotoCursor, Score: 0, ID: "1"},
		{Kind: PhotoCursor, Score: 22.714642485030403, ID: "53461234567"},
		{Kind: UserCursor, Score: 150, ID: "12037949754@N01"},
		{Kind: UserCursor, Score: math.MaxFloat64, ID: "ünïcødé"},
	}
	for _, want := range tests {
		got, err := DecodeCursor(EncodeCursor(want), want.Kind)
		if err != nil {
			t.Fatalf("DecodeCursor(EncodeCursor(%+v)): %v", want, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	good := EncodeCursor(Cursor{Kind: PhotoCursor, Score: 3, ID: "42"})
	flipped := []byte(good)
	flipped[5] ^= 1
	tests := []struct {
		name, text string
		kind       CursorKind
	}{
		{"empty", "", PhotoCursor},
		{"garbage", "not a cursor!", PhotoCursor},
		{"short", "AAAA", PhotoCursor},
		{"other kind", good, UserCursor},
		{"one bit flipped", string(flipped), PhotoCursor},
		{"truncated", good[:len(good)-2], PhotoCursor},
		{"negative score", EncodeCursor(Cursor{Kind: PhotoCursor, Score: -1, ID: "1"}), PhotoCursor},
		{"NaN score", EncodeCursor(Cursor{Kind: PhotoCursor, Score: math.NaN(), ID: "1"}), PhotoCursor},
		{"bad id", EncodeCursor(Cursor{Kind: PhotoCursor, Score: 1, ID: "a b"}), PhotoCursor},
		{"empty id", EncodeCursor(Cursor{Kind: PhotoCursor, Score: 1, ID: ""}), PhotoCursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeCursor(tt.text, tt.kind)
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Field != "cursor" || !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("DecodeCursor(%q) = %v, want an *ArgumentError for cursor", tt.text, err)
			}
		})
	}
}

func TestCursorAfter(t *testing.T) {
	c := Cursor{Score: 5, ID: "m"}
	tests := []struct {
		score float64
		id    string
		want  bool
	}{
		{6, "a", false}, {5, "a", false}, {5, "m", false}, {5, "n", true}, {4, "a", true},
	}
	for _, tt := range tests {
		if got := c.After(tt.score, tt.id); got != tt.want {
			t.Errorf("After(%v, %q) = %v, want %v", tt.score, tt.id, got, tt.want)
		}
	}
}

// FuzzDecodeCursor: any text either decodes to a valid cursor that re-encodes to the same text,
// or gives an *ArgumentError; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor(Cursor{Kind: PhotoCursor, Score: 1.5, ID: "123"}))
	f.Add(EncodeCursor(Cursor{Kind: UserCursor, Score: 0, ID: "1@N01"}))
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, text string) {
		for _, kind := range []CursorKind{PhotoCursor, UserCursor} {
			c, err := DecodeCursor(text, kind)
			if err != nil {
				var ae *ArgumentError
				if !errors.As(err, &ae) || ae.Field != "cursor" {
					t.Fatalf("DecodeCursor(%q): error %v is not a cursor *ArgumentError", text, err)
				}
				continue
			}
			if c.Kind != kind || c.Score < 0 || math.IsNaN(c.Score) || math.IsInf(c.Score, 0) || CheckID("id", c.ID) != nil {
				t.Fatalf("DecodeCursor(%q) = %+v: invalid cursor accepted", text, c)
			}
			if again := EncodeCursor(c); again != text {
				t.Fatalf("DecodeCursor(%q) = %+v re-encodes to %q", text, c, again)
			}
		}
	})
}
