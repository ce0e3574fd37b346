package cypher

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Mode says whether a statement only reads (routed to readers, run with ExecuteRead) or writes
// (routed to the leader, run with ExecuteWrite).
type Mode string

// Modes.
const (
	Read  Mode = "read"
	Write Mode = "write"
)

// Statement is one .cypher file: its header and its text. The header format, one "// key: value"
// line each at the top of the file, in this order:
//
//	// name: <the file name without .cypher>
//	// purpose: <what it does; more lines start with "//   ">
//	// mode: read | write
//	// params: $a, $b | none
//	// returns: col, col | none
//	// rows: <formula> <= <budget>      (optional; every read has it, see README.md)
type Statement struct {
	File    string   // path inside this package, e.g. "store/add_faves.cypher"
	Name    string   // the header's name: the file's base name without ".cypher"
	Purpose string   // the header's purpose, continuation lines joined with spaces
	Mode    Mode     // Read or Write
	Params  []string // the parameters it takes, without "$", in header order; nil for none
	Returns []string // the columns of each returned record, in order; nil for none
	// Rows is the formula of the most rows the statement expands (README.md names its terms),
	// and Budget the most it may be on the synthetic graphs; "" and 0 when the header has no rows.
	Rows   string
	Budget int
	Text   string // the whole file, header included: what is sent to Neo4j
}

// headerKeys are the header fields, in the order a file must give them; the last, rows, is
// optional.
var headerKeys = []string{"name", "purpose", "mode", "params", "returns", "rows"}

// requiredKeys is how many of headerKeys every file has.
const requiredKeys = 5

// Parse reads the header of the statement text found at file. It returns an error naming file
// when the header is incomplete, out of order or malformed, when name is not the file's base
// name, or when the $parameters the text uses differ from the header's.
func Parse(file, text string) (Statement, error) {
	st := Statement{File: file, Text: text}
	bad := func(format string, args ...any) (Statement, error) {
		return Statement{}, fmt.Errorf("cypher: %s: %s", file, fmt.Sprintf(format, args...))
	}
	next := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		if rest, ok := strings.CutPrefix(line, "//   "); ok {
			if next == 0 || headerKeys[next-1] != "purpose" {
				return bad("continuation line outside purpose: %q", line)
			}
			st.Purpose += " " + strings.TrimSpace(rest)
			continue
		}
		key, value, ok := strings.Cut(strings.TrimPrefix(line, "// "), ":")
		if !ok || !strings.HasPrefix(line, "// ") {
			return bad("header line is not \"// key: value\": %q", line)
		}
		if next >= len(headerKeys) || key != headerKeys[next] {
			return bad("header field %q out of place (want the fields %v in that order)", key, headerKeys)
		}
		next++
		value = strings.TrimSpace(value)
		if value == "" {
			return bad("header field %q is empty", key)
		}
		switch key {
		case "name":
			st.Name = value
		case "purpose":
			st.Purpose = value
		case "mode":
			st.Mode = Mode(value)
			if st.Mode != Read && st.Mode != Write {
				return bad("mode %q is not read or write", value)
			}
		case "params":
			list, err := parseList(value, true)
			if err != nil {
				return bad("params: %v", err)
			}
			st.Params = list
		case "returns":
			list, err := parseList(value, false)
			if err != nil {
				return bad("returns: %v", err)
			}
			st.Returns = list
		case "rows":
			formula, budget, ok := strings.Cut(value, "<=")
			n, err := strconv.Atoi(strings.TrimSpace(budget))
			if !ok || err != nil || n <= 0 || strings.TrimSpace(formula) == "" {
				return bad("rows %q is not \"<formula> <= <budget>\" with a positive budget", value)
			}
			st.Rows, st.Budget = strings.TrimSpace(formula), n
		}
	}
	if next < requiredKeys {
		return bad("header field %q missing", headerKeys[next])
	}
	if want := strings.TrimSuffix(path.Base(file), ".cypher"); st.Name != want {
		return bad("header name %q is not the file name %q", st.Name, want)
	}
	used := UsedParams(text)
	declared := slices.Sorted(slices.Values(st.Params))
	if !slices.Equal(used, declared) {
		return bad("uses parameters %v, header declares %v", used, declared)
	}
	return st, nil
}

// parseList splits "a, b" (or "$a, $b" when params) into names; "none" is the empty list.
func parseList(value string, params bool) ([]string, error) {
	if value == "none" {
		return nil, nil
	}
	var out []string
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		name := item
		if params {
			var ok bool
			if name, ok = strings.CutPrefix(item, "$"); !ok {
				return nil, fmt.Errorf("%q is not a $parameter", item)
			}
		}
		if !isIdent(name) {
			return nil, fmt.Errorf("%q is not a name", item)
		}
		if slices.Contains(out, name) {
			return nil, fmt.Errorf("%q repeated", item)
		}
		out = append(out, name)
	}
	return out, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// UsedParams returns the distinct $parameters that Cypher text uses, without "$", sorted. It
// skips comments, string literals and `quoted` names, so "$" inside them does not count.
func UsedParams(text string) []string {
	var out []string
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '/' && strings.HasPrefix(text[i:], "//"):
			i = skipTo(text, i+2, "\n")
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			i = skipTo(text, i+2, "*/") + 1
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(text, i)
		case c == '$' && i+1 < len(text) && isIdentByte(text[i+1], true):
			j := i + 1
			for j < len(text) && isIdentByte(text[j], false) {
				j++
			}
			if name := text[i+1 : j]; !slices.Contains(out, name) {
				out = append(out, name)
			}
			i = j - 1
		}
	}
	slices.Sort(out)
	return out
}

// skipTo returns the index of the first byte of end at or after from (len(text) if absent).
func skipTo(text string, from int, end string) int {
	if k := strings.Index(text[from:], end); k >= 0 {
		return from + k
	}
	return len(text)
}

// skipQuoted returns the index of the quote closing the literal that starts at i.
func skipQuoted(text string, i int) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch {
		case text[j] == '\\' && q != '`':
			j++
		case text[j] == q:
			return j
		}
	}
	return len(text)
}

// mustParse parses a statement bound with //go:embed; a bad header is a programming error that
// TestHeaders reports before any binary ships.
func mustParse(file, text string) Statement {
	st, err := Parse(file, text)
	if err != nil {
		panic(err)
	}
	return st
}

// Migration is one schema change, applied once per database, in Version order.
type Migration struct {
	Version   int // from the file name: migrations/0001_x.cypher is version 1
	Statement     // a write; Name is the file's base name, e.g. "0001_user_nsid_unique"
}

//go:embed migrations/*.cypher
var migrationFiles embed.FS

//go:embed analyst/*.cypher
var analystFiles embed.FS

// Migrations returns every schema migration in version order. Versions start at 1 and have no
// gaps; migrations are append-only (an applied file is never edited, a change is a new file).
// The error reports a malformed file and cannot happen in a build whose tests pass.
func Migrations() ([]Migration, error) {
	sts, err := parseDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	out := make([]Migration, 0, len(sts))
	for i, st := range sts {
		prefix, _, ok := strings.Cut(st.Name, "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || len(prefix) != 4 {
			return nil, fmt.Errorf("cypher: %s: name does not start with a 4-digit version and _", st.File)
		}
		if v != i+1 {
			return nil, fmt.Errorf("cypher: %s: version %d, want %d (versions start at 1, no gaps)", st.File, v, i+1)
		}
		if st.Mode != Write {
			return nil, fmt.Errorf("cypher: %s: a migration must have mode write", st.File)
		}
		out = append(out, Migration{Version: v, Statement: st})
	}
	return out, nil
}

// Analyst returns the documented queries for Neo4j Browser (cypher/analyst), by name. The error
// reports a malformed file and cannot happen in a build whose tests pass.
func Analyst() ([]Statement, error) {
	return parseDir(analystFiles, "analyst")
}

func parseDir(fsys embed.FS, dir string) ([]Statement, error) {
	names, err := fs.Glob(fsys, dir+"/*.cypher")
	if err != nil {
		return nil, fmt.Errorf("cypher: list %s: %w", dir, err)
	}
	slices.Sort(names)
	out := make([]Statement, 0, len(names))
	for _, name := range names {
		b, err := fsys.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("cypher: read %s: %w", name, err)
		}
		st, err := Parse(name, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
