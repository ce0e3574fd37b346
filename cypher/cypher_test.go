package cypher

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// all returns every statement of the package: store, migrations and analyst queries.
func all(t *testing.T) []Statement {
	t.Helper()
	out := Store()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		out = append(out, m.Statement)
	}
	as, err := Analyst()
	if err != nil {
		t.Fatal(err)
	}
	return append(out, as...)
}

// TestEveryFileBound checks that each file under store/ has a Go value in Store() and that the
// header of each parses (Parse also checks used == declared parameters).
func TestEveryFileBound(t *testing.T) {
	entries, err := os.ReadDir("store")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".cypher") {
			files = append(files, "store/"+e.Name())
		}
	}
	var bound []string
	for _, st := range Store() {
		bound = append(bound, st.File)
		again, err := Parse(st.File, st.Text)
		if err != nil {
			t.Errorf("Parse(%s): %v", st.File, err)
			continue
		}
		if diff := cmp.Diff(st, again); diff != "" {
			t.Errorf("%s: bound value differs from a fresh parse (-bound +parsed):\n%s", st.File, diff)
		}
	}
	slices.Sort(bound)
	if diff := cmp.Diff(files, bound); diff != "" {
		t.Errorf("store/*.cypher vs Store() (-files +bound):\n%s", diff)
	}
}

func TestHeaderParamsMatchText(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range all(t) {
		t.Run(st.File, func(t *testing.T) {
			if seen[st.File] {
				t.Errorf("listed twice")
			}
			seen[st.File] = true
			if st.Name != strings.TrimSuffix(path.Base(st.File), ".cypher") {
				t.Errorf("name %q does not match the file", st.Name)
			}
			if st.Purpose == "" || (st.Mode != Read && st.Mode != Write) {
				t.Errorf("purpose %q, mode %q: want both set", st.Purpose, st.Mode)
			}
			want := slices.Sorted(slices.Values(st.Params))
			if diff := cmp.Diff(want, UsedParams(st.Text)); diff != "" {
				t.Errorf("params (-header +used in text):\n%s", diff)
			}
			if diff := cmp.Diff(st.Returns, returnColumns(st.Text)); diff != "" {
				t.Errorf("returns (-header +final RETURN clause):\n%s", diff)
			}
			if st.Mode == Read && len(st.Returns) == 0 {
				t.Errorf("a read that returns nothing")
			}
		})
	}
}

func TestMigrationsInOrder(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("%s: version %d, want %d", m.File, m.Version, i+1)
		}
		if m.Params != nil || m.Returns != nil {
			t.Errorf("%s: a migration takes no parameters and returns nothing", m.File)
		}
		if !strings.Contains(m.Text, "IF NOT EXISTS") && !strings.Contains(m.Text, "IS NULL") {
			t.Errorf("%s: a migration must be safe to re-run: IF NOT EXISTS for the schema, an IS NULL guard for data", m.File)
		}
	}
}

func TestParseRejects(t *testing.T) {
	const good = "// name: x\n// purpose: p\n//   more\n// mode: read\n// params: $a, $b\n// returns: c\nRETURN $a + $b AS c\n"
	st, err := Parse("store/x.cypher", good)
	if err != nil {
		t.Fatalf("Parse(good): %v", err)
	}
	want := Statement{File: "store/x.cypher", Name: "x", Purpose: "p more", Mode: Read, Params: []string{"a", "b"}, Returns: []string{"c"}, Text: good}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Parse(good) (-want +got):\n%s", diff)
	}
	withRows, err := Parse("store/x.cypher", "// name: x\n// purpose: p\n// mode: read\n// params: none\n// returns: c\n// rows: 1 + d(me) <= 20\nRETURN 1 AS c\n")
	if err != nil || withRows.Rows != "1 + d(me)" || withRows.Budget != 20 {
		t.Errorf("Parse(rows) = %q, %d, %v; want \"1 + d(me)\", 20, nil", withRows.Rows, withRows.Budget, err)
	}
	tests := []struct {
		name, text, wantErr string
	}{
		{"no header", "RETURN 1 AS c\n", `"name" missing`},
		{"missing returns", "// name: x\n// purpose: p\n// mode: read\n// params: none\nRETURN 1 AS c\n", `"returns" missing`},
		{"out of order", "// name: x\n// mode: read\n// purpose: p\n// params: none\n// returns: c\nRETURN 1 AS c\n", "out of place"},
		{"bad mode", "// name: x\n// purpose: p\n// mode: both\n// params: none\n// returns: c\nRETURN 1 AS c\n", "not read or write"},
		{"wrong name", "// name: y\n// purpose: p\n// mode: read\n// params: none\n// returns: c\nRETURN 1 AS c\n", "not the file name"},
		{"param without $", "// name: x\n// purpose: p\n// mode: read\n// params: a\n// returns: c\nRETURN $a AS c\n", "not a $parameter"},
		{"undeclared param", "// name: x\n// purpose: p\n// mode: read\n// params: none\n// returns: c\nRETURN $a AS c\n", "uses parameters [a]"},
		{"unused param", "// name: x\n// purpose: p\n// mode: read\n// params: $a, $b\n// returns: c\nRETURN $a AS c\n", "header declares [a b]"},
		{"repeated param", "// name: x\n// purpose: p\n// mode: read\n// params: $a, $a\n// returns: c\nRETURN $a AS c\n", "repeated"},
		{"empty field", "// name: x\n// purpose:\n// mode: read\n// params: none\n// returns: c\nRETURN 1 AS c\n", "empty"},
		{"stray continuation", "// name: x\n//   more\n// purpose: p\n// mode: read\n// params: none\n// returns: c\nRETURN 1 AS c\n", "continuation"},
		{"bad column", "// name: x\n// purpose: p\n// mode: read\n// params: none\n// returns: c d\nRETURN 1 AS c\n", "not a name"},
		{"rows without budget", "// name: x\n// purpose: p\n// mode: read\n// params: none\n// returns: c\n// rows: 1\nRETURN 1 AS c\n", "is not \"<formula> <= <budget>\""},
		{"rows budget 0", "// name: x\n// purpose: p\n// mode: read\n// params: none\n// returns: c\n// rows: 1 <= 0\nRETURN 1 AS c\n", "positive budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("store/x.cypher", tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse: err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestUsedParams(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"none", "RETURN 1", nil},
		{"sorted and distinct", "MATCH (u {nsid: $nsid}) RETURN $b, $a, $nsid", []string{"a", "b", "nsid"}},
		{"line comment", "// uses $x\nRETURN $y // and $z\n", []string{"y"}},
		{"block comment", "RETURN /* $x */ $y", []string{"y"}},
		{"strings", `RETURN '$x', "$y", 'it''s $z', "a\"$w", $v`, []string{"v"}},
		{"backticks", "RETURN $a AS `$b`", []string{"a"}},
		{"digits and underscores", "RETURN $a_1, $_b", []string{"_b", "a_1"}},
		{"bare dollar", "RETURN '$', $ , $1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, UsedParams(tt.text)); diff != "" {
				t.Errorf("UsedParams(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, st := range Store() {
		f.Add(st.File, st.Text)
	}
	f.Fuzz(func(t *testing.T, file, text string) {
		st, err := Parse(file, text)
		if err != nil {
			return
		}
		if !slices.Equal(UsedParams(text), slices.Sorted(slices.Values(st.Params))) {
			t.Errorf("Parse accepted %q whose params differ from its header", text)
		}
	})
}

var (
	returnRE = regexp.MustCompile(`(?i)\bRETURN\b`)
	tailRE   = regexp.MustCompile(`(?i)\s(ORDER\s+BY|SKIP|LIMIT|OFFSET)\b`)
	asRE     = regexp.MustCompile(`(?is)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)$`)
)

// returnColumns returns the column names of the last top-level RETURN clause of text (nil if
// none): "expr AS name" gives name, a bare variable gives itself.
func returnColumns(text string) []string {
	code := blankOut(text)
	last := -1
	for _, loc := range returnRE.FindAllStringIndex(code, -1) {
		if depthAt(code, loc[0]) == 0 {
			last = loc[1]
		}
	}
	if last < 0 {
		return nil
	}
	clause := code[last:]
	for _, loc := range tailRE.FindAllStringIndex(clause, -1) {
		if depthAt(clause, loc[0]) == 0 {
			clause = clause[:loc[0]]
			break
		}
	}
	var out []string
	for _, item := range splitTop(clause) {
		item = strings.TrimSpace(item)
		if m := asRE.FindStringSubmatch(item); m != nil {
			item = m[1]
		}
		out = append(out, item)
	}
	return out
}

// blankOut replaces comments and literals with spaces, keeping offsets.
func blankOut(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); i++ {
		var end int
		switch {
		case strings.HasPrefix(text[i:], "//"):
			end = skipTo(text, i, "\n") - 1
		case b[i] == '\'' || b[i] == '"':
			end = skipQuoted(text, i)
		default:
			continue
		}
		for j := i; j <= end && j < len(b); j++ {
			b[j] = ' '
		}
		i = end
	}
	return string(b)
}

func depthAt(code string, pos int) int {
	d := 0
	for _, c := range code[:pos] {
		switch c {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		}
	}
	return d
}

func splitTop(s string) []string {
	var out []string
	d, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		case ',':
			if d == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// TestMigrationsAppendOnly holds every migration file to the checksum recorded when it was added
// (migrations/SHA256SUMS, the output of `sha256sum *.cypher` in that folder): an applied
// migration is never edited, a change is a new file with the next version.
func TestMigrationsAppendOnly(t *testing.T) {
	b, err := os.ReadFile("migrations/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q is not \"<sha256>  <file>\"", line)
		}
		recorded["migrations/"+name] = sum
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		sum := sha256.Sum256([]byte(m.Text))
		want, ok := recorded[m.File]
		switch {
		case !ok:
			t.Errorf("%s is not in migrations/SHA256SUMS: append its line (sha256sum %s)", m.File, path.Base(m.File))
		case want != hex.EncodeToString(sum[:]):
			t.Errorf("%s changed after it was recorded: migrations are append-only, add a new one instead", m.File)
		}
		delete(recorded, m.File)
	}
	for f := range recorded {
		t.Errorf("SHA256SUMS lists %s, which does not exist: migrations are never deleted", f)
	}
}

var (
	constraintRE = regexp.MustCompile(`(?is)FOR\s*\(\s*\w+\s*:\s*(\w+)\s*\)\s*REQUIRE\s*\w+\.(\w+)\s+IS\s+UNIQUE`)
	mergeNodeRE  = regexp.MustCompile(`(?s)MERGE\s*\(\s*\w*\s*:\s*(\w+)\s*\{\s*(\w+)\s*:[^,}]*\}\s*\)`)
	mergeAnyRE   = regexp.MustCompile(`MERGE\s*\(`)
	mergeRelRE   = regexp.MustCompile(`MERGE\s*\(\s*\w+\s*\)\s*-\[`)
)

// TestMergeOnConstrainedKeys checks the idempotency rule: every node MERGE names exactly one
// property, and that (label, property) has a unique constraint created by a migration; every
// other MERGE joins two bound nodes with a relationship.
func TestMergeOnConstrainedKeys(t *testing.T) {
	constrained := map[string]bool{}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, c := range constraintRE.FindAllStringSubmatch(m.Text, -1) {
			constrained[c[1]+"."+c[2]] = true
		}
	}
	if len(constrained) < 2 {
		t.Fatalf("found constraints %v; the scan is broken", constrained)
	}
	merges := 0
	for _, st := range Store() {
		code := blankOut(st.Text)
		nodes := mergeNodeRE.FindAllStringSubmatch(code, -1)
		for _, n := range nodes {
			if !constrained[n[1]+"."+n[2]] {
				t.Errorf("%s: MERGE on %s.%s, which no migration constrains", st.File, n[1], n[2])
			}
		}
		rels := mergeRelRE.FindAllStringIndex(code, -1)
		if all := len(mergeAnyRE.FindAllStringIndex(code, -1)); all != len(nodes)+len(rels) {
			t.Errorf("%s: %d MERGE clauses, only %d on one constrained key or between bound nodes", st.File, all, len(nodes)+len(rels))
		}
		merges += len(nodes) + len(rels)
	}
	if merges < 10 {
		t.Errorf("found %d MERGE clauses; the scan is broken", merges)
	}
}

// TestAnalystsDocQuotesEveryQuery keeps docs/analysts.md true to cypher/analyst: it lists every
// query file and quotes each one as it is.
func TestAnalystsDocQuotesEveryQuery(t *testing.T) {
	doc, err := os.ReadFile("../docs/analysts.md")
	if err != nil {
		t.Fatal(err)
	}
	as, err := Analyst()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range as {
		if !strings.Contains(string(doc), "`"+path.Base(st.File)+"`") {
			t.Errorf("docs/analysts.md does not list %s", st.File)
		}
		if !strings.Contains(string(doc), "```cypher\n"+st.Text+"```") {
			t.Errorf("docs/analysts.md does not quote %s as it is", st.File)
		}
	}
}
