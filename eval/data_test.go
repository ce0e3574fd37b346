package eval

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const tsv = `user_nsid	photo_id	owner_nsid	faved_at_unix
1@N01	10	2@N01	100
1@N01	11	2@N01	300
1@N01	12	3@N01	200
1@N01	10	2@N01	150
2@N01	12	3@N01	50
3@N01	10	2@N01	70
3@N01	11	2@N01	90
`

func readTSV(t *testing.T, s string) []Fave {
	t.Helper()
	faves, err := ReadFaves(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return faves
}

func TestReadFaves(t *testing.T) {
	got := readTSV(t, tsv)
	want := []Fave{
		{"1@N01", "10", "2@N01", 150}, // listed twice: the later time wins
		{"1@N01", "11", "2@N01", 300},
		{"1@N01", "12", "3@N01", 200},
		{"2@N01", "12", "3@N01", 50},
		{"3@N01", "10", "2@N01", 70},
		{"3@N01", "11", "2@N01", 90},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFaves (-want +got):\n%s", diff)
	}
	if _, err := ReadFaves(strings.NewReader("1@N01\tx\t2@N01\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad photo id: err = %v, want one naming line 1", err)
	}
}

func TestHoldOut(t *testing.T) {
	faves := readTSV(t, tsv)
	tests := []struct {
		name     string
		mode     SplitMode
		minFaves int
		test     map[string][]string
	}{
		// User 2 has one fave: never held out. Latest: 11 for user 1 (300), 11 for user 3 (90).
		{"time", SplitTime, 0, map[string][]string{"1@N01": {"11"}, "3@N01": {"11"}}},
		{"time, at least 3 faves", SplitTime, 3, map[string][]string{"1@N01": {"11"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := HoldOut(faves, tt.mode, 1, tt.minFaves)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.test, s.Test); diff != "" {
				t.Errorf("Test (-want +got):\n%s", diff)
			}
			if got, want := len(s.Train)+s.TestPairs(), len(faves); got != want {
				t.Errorf("train %d + test %d = %d faves, want %d", len(s.Train), s.TestPairs(), got, want)
			}
			for _, f := range s.Train {
				if slices.Contains(s.Test[f.User], f.Photo) {
					t.Errorf("held-out pair %s %s is also in train", f.User, f.Photo)
				}
			}
		})
	}
}

func TestHoldOutRandomIsSeeded(t *testing.T) {
	var faves []Fave
	for u := range 50 {
		for p := range 20 {
			faves = append(faves, Fave{User: string(rune('A'+u%26)) + string(rune('a'+u/26)), Photo: string(rune('a' + p)), Owner: "o"})
		}
	}
	a, err := HoldOut(faves, SplitRandom, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(faves)
	slices.Reverse(reversed)
	b, err := HoldOut(reversed, SplitRandom, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, input reversed: splits differ (-first +second):\n%s", diff)
	}
	c, err := HoldOut(faves, SplitRandom, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a.Test, c.Test) {
		t.Errorf("seeds 7 and 8 held out the same 50 photos")
	}
	if len(a.Test) != 50 {
		t.Errorf("held out for %d users, want 50", len(a.Test))
	}
}

func TestHoldOutErrors(t *testing.T) {
	undated := []Fave{{"1@N01", "1", "2@N01", 0}, {"1@N01", "2", "2@N01", 5}}
	if _, err := HoldOut(undated, SplitTime, 1, 2); err == nil {
		t.Error("split time with an undated fave: no error")
	}
	if _, err := HoldOut(undated, "later", 1, 2); err == nil {
		t.Error("unknown split mode: no error")
	}
}

func TestWithTest(t *testing.T) {
	faves := readTSV(t, tsv)
	test := readTSV(t, "1@N01\t12\t3@N01\n9@N01\t11\t2@N01\n")
	s := WithTest(faves, test)
	want := map[string][]string{"1@N01": {"12"}, "9@N01": {"11"}}
	if diff := cmp.Diff(want, s.Test); diff != "" {
		t.Errorf("Test (-want +got):\n%s", diff)
	}
	if got := len(s.Train); got != len(faves)-1 {
		t.Errorf("train has %d faves, want %d (one pair removed)", got, len(faves)-1)
	}
}
