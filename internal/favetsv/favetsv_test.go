package favetsv_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/photorec/photorec/internal/favetsv"
)

// readAll collects every row and every *Error; other errors stop it and are returned.
func readAll(t *testing.T, r io.Reader) ([]favetsv.Row, []favetsv.Error, error) {
	t.Helper()
	fr := favetsv.NewReader(r)
	var rows []favetsv.Row
	var problems []favetsv.Error
	for {
		row, err := fr.Next()
		var pe *favetsv.Error
		switch {
		case err == nil:
			rows = append(rows, row)
		case errors.Is(err, io.EOF):
			return rows, problems, nil
		case errors.As(err, &pe):
			problems = append(problems, *pe)
		default:
			return rows, problems, err
		}
	}
}

func TestReader(t *testing.T) {
	at := func(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
	tests := []struct {
		name     string
		in       string
		rows     []favetsv.Row
		problems []favetsv.Error
	}{
		{name: "empty"},
		{
			name: "three and four columns",
			in:   "1@N01\t53637883806\t2@N02\t1700000000\n3@N03\t7\t2@N02\n",
			rows: []favetsv.Row{
				{Line: 1, User: "1@N01", PhotoID: "53637883806", Owner: "2@N02", FavedAt: at(1700000000)},
				{Line: 2, User: "3@N03", PhotoID: "7", Owner: "2@N02"},
			},
		},
		{
			name: "header, comments, blank lines, CRLF, BOM, spaces, empty time, no final newline",
			in: "\xef\xbb\xbfuser_nsid\tphoto_id\towner_nsid\tfaved_at_unix\r\n" +
				"# exported 2026-11-22\r\n\r\n   \n  # indented comment\n" +
				" 1@N01 \t 5 \t 2@N02 \t \r\n" +
				"1@N01\t6\t2@N02\t1",
			rows: []favetsv.Row{
				{Line: 6, User: "1@N01", PhotoID: "5", Owner: "2@N02"},
				{Line: 7, User: "1@N01", PhotoID: "6", Owner: "2@N02", FavedAt: at(1)},
			},
		},
		{
			name: "three-column header",
			in:   "user_nsid\tphoto_id\towner_nsid\n1@N01\t5\t2@N02\n",
			rows: []favetsv.Row{{Line: 2, User: "1@N01", PhotoID: "5", Owner: "2@N02"}},
		},
		{
			name: "every kind of malformed line, reading continues",
			in: strings.Join([]string{
				"user_nsid\tphoto\towner_nsid",        // 1 bad header
				"1@N01\t5",                            // 2 too few
				"1@N01\t5\t2@N02\t1\textra",           // 3 too many
				"1@N01,5,2@N02",                       // 4 commas
				"alice\t5\t2@N02",                     // 5 bad user
				"1@N01\t5a\t2@N02",                    // 6 bad photo
				"1@N01\t5\t2@N",                       // 7 bad owner
				"1@N01\t5\t1@N01",                     // 8 own photo
				"1@N01\t5\t2@N02\tyesterday",          // 9 bad time
				"1@N01\t5\t2@N02\t-1",                 // 10 negative time
				"1@N01\t5\t2@N02\t4102444800",         // 11 year 2100
				"1@N01\t123456789012345678901\t2@N02", // 12 photo id too long
				"user_nsid\tphoto_id\towner_nsid",     // 13 header after data
				"1@N01\t9\t2@N02",                     // 14 good
			}, "\n"),
			rows: []favetsv.Row{{Line: 14, User: "1@N01", PhotoID: "9", Owner: "2@N02"}},
			problems: []favetsv.Error{
				{Line: 1, Reason: `header must be "user_nsid\tphoto_id\towner_nsid\tfaved_at_unix" (the last column optional), got "user_nsid\tphoto\towner_nsid"`},
				{Line: 2, Reason: "want 3 or 4 tab-separated fields (user_nsid<TAB>photo_id<TAB>owner_nsid[<TAB>faved_at_unix]), got 2"},
				{Line: 3, Reason: "want 3 or 4 tab-separated fields (user_nsid<TAB>photo_id<TAB>owner_nsid[<TAB>faved_at_unix]), got 5"},
				{Line: 4, Reason: "want 3 or 4 tab-separated fields (user_nsid<TAB>photo_id<TAB>owner_nsid[<TAB>faved_at_unix]), got 1 (is the file tab-separated?)"},
				{Line: 5, Reason: `user_nsid "alice" is not an NSID (like 12037949754@N01)`},
				{Line: 6, Reason: `photo_id "5a" is not a photo ID (1 to 20 digits)`},
				{Line: 7, Reason: `owner_nsid "2@N" is not an NSID (like 12037949754@N01)`},
				{Line: 8, Reason: "user_nsid equals owner_nsid 1@N01: Flickr members cannot fave their own photos"},
				{Line: 9, Reason: `faved_at_unix "yesterday" is not a time in seconds since 1970 before 2100`},
				{Line: 10, Reason: `faved_at_unix "-1" is not a time in seconds since 1970 before 2100`},
				{Line: 11, Reason: `faved_at_unix "4102444800" is not a time in seconds since 1970 before 2100`},
				{Line: 12, Reason: `photo_id "123456789012345678901" is not a photo ID (1 to 20 digits)`},
				{Line: 13, Reason: `user_nsid "user_nsid" is not an NSID (like 12037949754@N01)`},
			},
		},
		{
			name: "overlong line stops reading",
			in:   "1@N01\t5\t2@N02\n" + strings.Repeat("x", favetsv.MaxLineBytes+1) + "\n1@N01\t6\t2@N02\n",
			rows: []favetsv.Row{{Line: 1, User: "1@N01", PhotoID: "5", Owner: "2@N02"}},
			problems: []favetsv.Error{
				{Line: 2, Reason: fmt.Sprintf("line longer than %d bytes; reading stopped here", favetsv.MaxLineBytes)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, problems, err := readAll(t, strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("unexpected fatal error: %v", err)
			}
			if diff := cmp.Diff(tt.rows, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("1@N01\t5\t2@N02\n"), iotest.ErrReader(boom))
	rows, _, err := readAll(t, r)
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want one wrapping %v", err, boom)
	}
	if len(rows) != 1 {
		t.Errorf("got %d rows before the error, want 1", len(rows))
	}
	var pe *favetsv.Error
	if errors.As(err, &pe) {
		t.Errorf("an I/O error must not be a *favetsv.Error: %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	err := error(&favetsv.Error{Line: 12, Reason: "bad"})
	if got, want := err.Error(), "line 12: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestIsNSID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"12037949754@N01", true},
		{"1@N00", true},
		{"@N01", false},
		{"12037949754@N1", false},
		{"12037949754@n01", false},
		{"12037949754N01", false},
		{"12a37949754@N01", false},
		{"12037949754@N01 ", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := favetsv.IsNSID(tt.in); got != tt.want {
			t.Errorf("IsNSID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add("user_nsid\tphoto_id\towner_nsid\n1@N01\t5\t2@N02\t1700000000\n")
	f.Add("# c\n\n1@N01\t5\t2@N02\r\n1@N01 5 2@N02\n")
	f.Add("\xef\xbb\xbf1@N01\t\t2@N02\t\n\t\t\t\t\t")
	f.Fuzz(func(t *testing.T, in string) {
		fr := favetsv.NewReader(strings.NewReader(in))
		lastLine := 0
		for range strings.Count(in, "\n") + 2 {
			row, err := fr.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var pe *favetsv.Error
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("non-*Error from a strings.Reader: %v", err)
			}
			line := row.Line
			if pe != nil {
				line = pe.Line
				if pe.Reason == "" {
					t.Fatalf("line %d: empty reason", line)
				}
			} else {
				if !favetsv.IsNSID(row.User) || !favetsv.IsNSID(row.Owner) || row.User == row.Owner || row.PhotoID == "" {
					t.Fatalf("line %d: invalid row accepted: %+v", line, row)
				}
				// A valid row written back in canonical form parses to the same row.
				canon := row.User + "\t" + row.PhotoID + "\t" + row.Owner
				if !row.FavedAt.IsZero() {
					canon += fmt.Sprintf("\t%d", row.FavedAt.Unix())
				}
				again, err := favetsv.NewReader(strings.NewReader(canon)).Next()
				again.Line = row.Line
				if err != nil || again != row {
					t.Fatalf("round trip of %+v: got %+v, %v", row, again, err)
				}
			}
			if line <= lastLine {
				t.Fatalf("line numbers not increasing: %d after %d", line, lastLine)
			}
			lastLine = line
		}
		t.Fatal("Next never returned io.EOF")
	})
}

func BenchmarkReader(b *testing.B) {
	var sb strings.Builder
	const rows = 100_000
	for i := range rows {
		fmt.Fprintf(&sb, "%d@N01\t%d\t%d@N02\t%d\n", i%5000, 50000000000+i, i%777, 1600000000+i)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	iters := 0
	for b.Loop() {
		iters++
		fr := favetsv.NewReader(strings.NewReader(in))
		n := 0
		for {
			_, err := fr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*iters)/b.Elapsed().Seconds(), "rows/s")
}
