package embedded

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// readCSV parses one exported file into its header and rows.
func readCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	must(t, err)
	if len(recs) == 0 {
		t.Fatalf("%s: no header", path)
	}
	return recs[0], recs[1:]
}

// headerField is one column of a neo4j-admin import header (Neo4j 5 CSV header format):
// [name]:ID(space), :START_ID(space), :END_ID(space), or name[:type].
var headerField = regexp.MustCompile(`^(?:([a-z_]+)?:(ID|START_ID|END_ID)\(([A-Z][a-zA-Z]*)\)|([a-z_]+)(?::(long|int|boolean|string|double|float|datetime))?)$`)

// checkHeader checks a header against the import format and against the property names,
// labels and types graph/neo4j's Cypher uses (cypher/store/*.cypher).
func checkHeader(t *testing.T, f ExportFile, header []string, cypher string) {
	t.Helper()
	var ids, starts, ends int
	for _, h := range header {
		m := headerField.FindStringSubmatch(h)
		if m == nil {
			t.Errorf("%s: header field %q is not neo4j-admin import syntax", f.Name, h)
			continue
		}
		prop := m[1] + m[4]
		switch m[2] {
		case "ID":
			ids++
			if m[3] != f.Type {
				t.Errorf("%s: id space %q, want the label %q", f.Name, m[3], f.Type)
			}
		case "START_ID":
			starts++
		case "END_ID":
			ends++
		}
		if prop != "" && !strings.Contains(cypher, "."+prop) && !strings.Contains(cypher, prop+":") {
			t.Errorf("%s: property %q is not used by graph/neo4j's Cypher", f.Name, prop)
		}
	}
	switch f.Kind {
	case "nodes":
		if ids != 1 || starts+ends != 0 {
			t.Errorf("%s: node header %v needs exactly one :ID", f.Name, header)
		}
		if !strings.Contains(cypher, ":"+f.Type+" {") {
			t.Errorf("%s: label %s is not used by graph/neo4j's Cypher", f.Name, f.Type)
		}
	case "relationships":
		if ids != 0 || starts != 1 || ends != 1 {
			t.Errorf("%s: relationship header %v needs one :START_ID and one :END_ID", f.Name, header)
		}
		if !strings.Contains(cypher, "[:"+f.Type+"]") && !strings.Contains(cypher, ":"+f.Type+"]") {
			t.Errorf("%s: type %s is not used by graph/neo4j's Cypher", f.Name, f.Type)
		}
	default:
		t.Errorf("%s: kind %q", f.Name, f.Kind)
	}
}

func TestExport(t *testing.T) {
	s := openTest(t, t.TempDir())
	writeWorld(t, s, 1, 500)
	// Awkward text survives the CSV quoting; a dismissed unknown photo is a bare node.
	tricky := "a, \"quoted\"\nsecond line"
	must(t, s.AddFaves(ctx, graph.FavesBatch{User: "0@N01", At: time.Unix(1e9, 0), Faves: []graph.Fave{{
		Photo:   graph.Photo{ID: "9001", Owner: "1@N01", Title: tricky, Farm: 66, Server: "s", Secret: "x", ThumbURL: "http://t/q.jpg"},
		FavedAt: time.Unix(1234567890, 0),
	}}}))
	must(t, s.DismissPhoto(ctx, "0@N01", "424242"))
	stats, err := s.Stats(ctx)
	must(t, err)

	out := t.TempDir()
	info, err := s.Export(ctx, out)
	must(t, err)
	if info.Seq != s.st.seq {
		t.Errorf("export seq = %d, want %d", info.Seq, s.st.seq)
	}

	var cypher strings.Builder
	cfiles, err := filepath.Glob("../../cypher/store/*.cypher")
	must(t, err)
	if len(cfiles) == 0 {
		t.Fatal("no Cypher files found")
	}
	for _, f := range cfiles {
		b, err := os.ReadFile(f)
		must(t, err)
		cypher.Write(b)
	}

	rows := map[string][][]string{}
	headers := map[string][]string{}
	for _, f := range info.Files {
		h, r := readCSV(t, filepath.Join(out, f.Name))
		checkHeader(t, f, h, cypher.String())
		if len(r) != f.Rows {
			t.Errorf("%s: %d rows, info says %d", f.Name, len(r), f.Rows)
		}
		for _, row := range r {
			if len(row) != len(h) {
				t.Fatalf("%s: row %v has %d fields, header %d", f.Name, row, len(row), len(h))
			}
		}
		rows[f.Name], headers[f.Name] = r, h
	}

	// Counts against the store.
	s.mu.RLock()
	nUsers, nPhotos := len(s.st.users), len(s.st.photos)
	var dp, du int
	for _, u := range s.st.users {
		if u.x != nil {
			dp += len(u.x.dismissedPhotos)
			du += len(u.x.dismissedUsers)
		}
	}
	s.mu.RUnlock()
	counts := map[string]int{
		"users.csv": nUsers, "photos.csv": nPhotos, "took.csv": stats.Photos, "faved.csv": stats.Faves,
		"follows.csv": stats.Follows, "dismissed_photo.csv": dp, "dismissed_user.csv": du,
	}
	got := map[string]int{}
	for name, r := range rows {
		got[name] = len(r)
	}
	if diff := cmp.Diff(counts, got); diff != "" {
		t.Errorf("row counts (-store +export):\n%s", diff)
	}
	if dp == 0 || du == 0 || stats.Follows == 0 {
		t.Errorf("world lacks dismissals or follows: %d %d %+v", dp, du, stats)
	}

	// Every edge ends at exported nodes.
	ids := map[string]map[string]bool{"User": {}, "Photo": {}}
	for _, r := range rows["users.csv"] {
		ids["User"][r[0]] = true
	}
	for _, r := range rows["photos.csv"] {
		ids["Photo"][r[0]] = true
	}
	for _, f := range info.Files {
		if f.Kind != "relationships" {
			continue
		}
		h := headers[f.Name]
		space := func(col string) string { return col[strings.Index(col, "(")+1 : len(col)-1] }
		for _, r := range rows[f.Name] {
			if !ids[space(h[0])][r[0]] || !ids[space(h[1])][r[1]] {
				t.Fatalf("%s: row %v points at a node not exported", f.Name, r)
			}
		}
	}

	// A few rows compared field by field.
	photoRow := map[string][]string{}
	for _, r := range rows["photos.csv"] {
		photoRow[r[0]] = r
	}
	if diff := cmp.Diff([]string{"9001", tricky, "66", "s", "x", "http://t/q.jpg", "", "1000000000000000000"}, photoRow["9001"]); diff != "" {
		t.Errorf("photos.csv row 9001 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"424242", "", "", "", "", "", "", ""}, photoRow["424242"]); diff != "" {
		t.Errorf("bare dismissed photo row (-want +got):\n%s", diff)
	}
	faved := map[string][]string{} // user -> photo IDs
	for _, r := range rows["faved.csv"] {
		faved[r[0]] = append(faved[r[0]], r[1])
		if r[0] == "0@N01" && r[1] == "9001" && r[2] != "1234567890000000000" {
			t.Errorf("faved_at of 0@N01 -> 9001 = %q, want Unix nanoseconds", r[2])
		}
	}
	for _, u := range []string{"0@N01", "1@N01", "7@N01"} {
		fs, err := s.CommonFaves(ctx, u, u, graph.MaxLimit)
		must(t, err)
		var want []string
		for _, p := range fs {
			want = append(want, p.ID)
			r := photoRow[p.ID]
			if r[1] != p.Title || r[2] != strconv.Itoa(p.Farm) || r[3] != p.Server || r[7] != strconv.FormatInt(p.AddedAt.UnixNano(), 10) {
				t.Errorf("photos.csv row %v differs from the store's %+v", r, p)
			}
		}
		got := faved[u]
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("faves of %s (-store +export):\n%s", u, diff)
		}
	}
	userRow := map[string][]string{}
	for _, r := range rows["users.csv"] {
		userRow[r[0]] = r
	}
	for u := range userRow {
		ps, err := s.PullState(ctx, u)
		must(t, err)
		reg := ""
		if ps.Registered {
			reg = "true"
		}
		nano := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return strconv.FormatInt(t.UnixNano(), 10)
		}
		if r := userRow[u]; r[4] != reg || r[5] != nano(ps.LastPullAt) || r[6] != nano(ps.LastFullPullAt) {
			t.Errorf("users.csv row %v, store pull state %+v", r, ps)
		}
	}

	// Tokens are secrets and are not exported.
	for _, f := range info.Files {
		b, err := os.ReadFile(filepath.Join(out, f.Name))
		must(t, err)
		if strings.Contains(string(b), "tok-") {
			t.Errorf("%s holds a token", f.Name)
		}
	}

	cmd := info.ImportCommand("neo4j", "/import")
	for _, want := range []string{"import full neo4j", "--nodes=User=/import/users.csv", "--relationships=FAVED=/import/faved.csv", "--multiline-fields=true"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("import command lacks %q:\n%s", want, cmd)
		}
	}
}
