package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateDepguard = flag.Bool("update-depguard", false, "rewrite the depguard rules in .golangci.yml from the doc.go files")

// The depguard rules in .golangci.yml are generated from the "Must not import:" paragraph of
// every package's doc.go and live between these two lines.
const (
	depguardBegin = "    # BEGIN depguard rules, generated from the doc.go files: do not edit by hand."
	depguardEnd   = "    # END depguard rules."
)

// mustNotImportPrefix starts the paragraph of a package doc that lists what it must not import.
const mustNotImportPrefix = "Must not import:"

// TestDepguardRulesMatchDocs: every package below the module root has a doc.go with a "Must not
// import:" paragraph naming only packages that exist, and the depguard rules in .golangci.yml
// are exactly the ones generated from those paragraphs, so neither can change without the other.
func TestDepguardRulesMatchDocs(t *testing.T) {
	modPath := modulePath(t)
	pkgs, err := packageDirs(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found %d package directories (%v): the walk is broken", len(pkgs), pkgs)
	}
	var rules []depguardRule
	var problems []string
	for _, dir := range pkgs {
		list, err := readMustNotImport(filepath.Join(dir, "doc.go"))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		r, err := ruleFor(modPath, dir, list, func(p string) bool { return slices.Contains(pkgs, p) })
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		rules = append(rules, r)
	}
	if len(problems) > 0 {
		t.Fatalf("package docs:\n%s", strings.Join(problems, "\n"))
	}
	want := renderDepguard(rules)

	cfg, err := os.ReadFile(".golangci.yml")
	if err != nil {
		t.Fatal(err)
	}
	got, before, after, err := cutBlock(string(cfg), depguardBegin, depguardEnd)
	if err != nil {
		t.Fatalf(".golangci.yml: %v", err)
	}
	if got == want {
		return
	}
	if *updateDepguard {
		if err := os.WriteFile(".golangci.yml", []byte(before+want+after), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the depguard rules in .golangci.yml")
		return
	}
	t.Errorf("the depguard rules in .golangci.yml differ from the doc.go files (-got +want); run `go test -run TestDepguardRulesMatchDocs . -update-depguard`:\n%s", cmp.Diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
}

// TestReadMustNotImport: the paragraph may wrap over several comment lines and sit anywhere in
// the package doc; a doc without one, or with an empty one, is an error.
func TestReadMustNotImport(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"one line", "// Package a does.\n//\n// Must not import: ./...\npackage a\n", []string{"./..."}},
		{"wrapped, then more doc", "// Package a does.\n//\n// Must not import: ./b, net/http,\n// github.com/x/y\n//\n// More.\npackage a\n",
			[]string{"./b", "net/http", "github.com/x/y"}},
		{"missing", "// Package a does and must not import b.\npackage a\n", nil},
		{"empty", "// Package a does.\n//\n// Must not import:\npackage a\n", nil},
		{"no doc", "package a\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "doc.go")
			if err := os.WriteFile(path, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readMustNotImport(path)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestRuleFor: ./... is every project package, ./dir one of them, anything else an outside
// import path; names of packages that do not exist are errors, so a rename cannot leave a rule
// that guards nothing.
func TestRuleFor(t *testing.T) {
	known := func(p string) bool { return p == "server" || p == "graph/embedded" }
	tests := []struct {
		name    string
		list    []string
		want    []string
		wantErr bool
	}{
		{"project and outside", []string{"./server", "./graph/embedded", "net/http", "github.com/hibiken/asynq"},
			[]string{"example.com/m/server", "example.com/m/graph/embedded", "net/http", "github.com/hibiken/asynq"}, false},
		{"every project package", []string{"./..."}, []string{"example.com/m"}, false},
		{"unknown project package", []string{"./wroker"}, nil, true},
		{"unknown standard package", []string{"net/htttp"}, nil, true},
		{"twice", []string{"./server", "./server"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ruleFor("example.com/m", "a/b", tt.list, known)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.deny); diff != "" {
				t.Errorf("deny (-want +got)\n%s", diff)
			}
		})
	}
}

// depguardRule holds the non-test files of package dir to its doc.go's list.
type depguardRule struct {
	dir  string   // slash-separated, relative to the module root
	deny []string // import path prefixes
}

func modulePath(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "module "); ok {
			return strings.TrimSpace(p)
		}
	}
	t.Fatal("go.mod names no module")
	return ""
}

// packageDirs lists the directories below root that hold non-test Go files of this module,
// slash-separated and sorted; root itself (package main) and nested modules are left out.
func packageDirs(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir != "." && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	slices.Sort(dirs)
	return dirs, err
}

// readMustNotImport returns the comma-separated items of the "Must not import:" paragraph of
// the package doc in path.
func readMustNotImport(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Doc == nil {
		return nil, fmt.Errorf("%s: no package doc", path)
	}
	for para := range strings.SplitSeq(f.Doc.Text(), "\n\n") {
		rest, ok := strings.CutPrefix(para, mustNotImportPrefix)
		if !ok {
			continue
		}
		var items []string
		for it := range strings.SplitSeq(strings.Join(strings.Fields(rest), " "), ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			return nil, fmt.Errorf("%s: %q names nothing", path, mustNotImportPrefix)
		}
		return items, nil
	}
	return nil, fmt.Errorf("%s: the package doc has no %q paragraph", path, mustNotImportPrefix)
}

// ruleFor turns dir's list into import path prefixes: "./..." is every package of module
// modPath, "./d" the project package d (known(d) must hold), anything else an import path
// outside the module that must be a standard package or have a dot in its first element.
func ruleFor(modPath, dir string, list []string, known func(string) bool) (depguardRule, error) {
	r := depguardRule{dir: dir}
	for _, it := range list {
		var pkg string
		switch {
		case it == "./...":
			pkg = modPath
		case strings.HasPrefix(it, "./"):
			if !known(it[2:]) {
				return r, fmt.Errorf("%s/doc.go: %s is not a package of this module", dir, it)
			}
			pkg = modPath + "/" + it[2:]
		case strings.Contains(strings.Split(it, "/")[0], "."):
			pkg = it
		default:
			if !isStd(it) {
				return r, fmt.Errorf("%s/doc.go: %s is neither ./<package>, a standard package nor a module path", dir, it)
			}
			pkg = it
		}
		if slices.Contains(r.deny, pkg) {
			return r, fmt.Errorf("%s/doc.go: %s is listed twice", dir, it)
		}
		r.deny = append(r.deny, pkg)
	}
	return r, nil
}

// isStd reports whether path is a package of the standard library.
func isStd(path string) bool {
	p, err := build.Default.Import(path, "", build.FindOnly)
	return err == nil && p.Goroot
}

// renderDepguard writes the depguard settings block of .golangci.yml for rules.
func renderDepguard(rules []depguardRule) string {
	var b bytes.Buffer
	b.WriteString("    depguard:\n      rules:\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "        %s:\n", r.dir)
		fmt.Fprintf(&b, "          files: [\"**/%s/*.go\", \"!$test\"]\n", r.dir)
		b.WriteString("          list-mode: lax\n          deny:\n")
		for _, p := range r.deny {
			fmt.Fprintf(&b, "            - pkg: %s\n              desc: %s/doc.go says it must not import this\n", p, r.dir)
		}
	}
	return b.String()
}

// cutBlock returns the text between the lines begin and end of s, and the text around it
// (begin and end included in before and after).
func cutBlock(s, begin, end string) (block, before, after string, err error) {
	i := strings.Index(s, begin+"\n")
	j := strings.Index(s, end+"\n")
	if i < 0 || j < i {
		return "", "", "", errors.New("no depguard block: add the lines\n" + begin + "\n" + end + "\nunder linters.settings")
	}
	i += len(begin) + 1
	return s[i:j], s[:i], s[j:], nil
}
