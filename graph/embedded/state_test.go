package embedded

import (
	"strconv"
	"testing"

	"github.com/photorec/photorec/graph"
)

func TestNumericID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"0", true}, {"7", true}, {"53461234567", true}, {"9999999999999999999", true},
		{"", false}, {"07", false}, {"00", false}, {"-1", false}, {"1a", false}, {"pa1", false},
		{"18446744073709551615", false}, // 20 digits: kept as a string
	}
	for _, tt := range tests {
		n, ok := numericID(tt.id)
		if ok != tt.want {
			t.Errorf("numericID(%q) ok = %v, want %v", tt.id, ok, tt.want)
		}
		if ok && strconv.FormatUint(n, 10) != tt.id {
			t.Errorf("numericID(%q) = %d does not round-trip", tt.id, n)
		}
	}
}

// IDs that are the same number written differently are different photos.
func TestPhotoIDsAreStrings(t *testing.T) {
	s := openTest(t, t.TempDir())
	b := graph.FavesBatch{User: "u", Faves: []graph.Fave{
		{Photo: graph.Photo{ID: "7", Owner: "o", Title: "seven"}},
		{Photo: graph.Photo{ID: "007", Owner: "o", Title: "bond"}},
	}}
	must(t, s.AddFaves(ctx, b))
	for id, title := range map[string]string{"7": "seven", "007": "bond"} {
		p, err := s.Photo(ctx, id)
		must(t, err)
		if p.ID != id || p.Title != title {
			t.Errorf("Photo(%q) = %+v, want title %q", id, p, title)
		}
	}
	s = reopen(t, s, s.dir)
	st, err := s.Stats(ctx)
	must(t, err)
	if st.Photos != 2 || st.Faves != 2 {
		t.Errorf("stats after reopen = %+v, want 2 photos, 2 faves", st)
	}
	must(t, s.Close())
}

func TestMergeMeta(t *testing.T) {
	f := func(v ...string) *metaFields {
		var m metaFields
		for i, s := range v {
			m[i] = []byte(s)
		}
		return &m
	}
	tests := []struct {
		name  string
		steps []*metaFields
		want  [5]string
	}{
		{"first", []*metaFields{f("t", "s", "x", "q", "b")}, [5]string{"t", "s", "x", "q", "b"}},
		{"empty keeps", []*metaFields{f("t", "s", "x", "q", "b"), f("", "", "", "", "")}, [5]string{"t", "s", "x", "q", "b"}},
		{"partial update", []*metaFields{f("t", "s", "x", "q", "b"), f("new", "", "y", "", "")}, [5]string{"new", "s", "y", "q", "b"}},
		{"fill later", []*metaFields{f("", "", "", "", ""), f("", "s", "", "", "b")}, [5]string{"", "s", "", "", "b"}},
		{"long field", []*metaFields{f(string(make([]byte, 300)), "", "", "", "ü")}, [5]string{string(make([]byte, 300)), "", "", "", "ü"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p photo
			var buf []byte
			for _, st := range tt.steps {
				buf = p.mergeMeta(st, buf)
			}
			if got := unpackMeta(p.meta); got != tt.want {
				t.Errorf("unpackMeta = %q, want %q", got, tt.want)
			}
		})
	}
}
