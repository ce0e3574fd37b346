package ui

import (
	"html/template"
	"io/fs"
	"os"
	"strings"
	"testing"
)

func TestTemplatesParse(t *testing.T) {
	funcs := template.FuncMap{
		"photoPage": func(owner, id string) string { return "" },
		"profile":   func(string) string { return "" },
		"userPath":  func(string) string { return "" },
		"photoNote": func(int, int) string { return "" },
	}
	tmpl, err := Templates(funcs)
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	for _, name := range []string{"welcome", "user", "taste", "error", "head", "foot"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("template %q missing", name)
		}
	}
	for _, name := range []string{"app.css", "app.js", "taste.js", "avatar.svg", "favicon.svg"} {
		if _, err := fs.Stat(Static(), name); err != nil {
			t.Errorf("static %s: %v", name, err)
		}
	}
}

// TestDocumentedHooksExist: every test hook listed in doc.go is in a template or a script.
func TestDocumentedHooksExist(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var markup strings.Builder
	for _, dir := range []string{"templates", "static"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(dir + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			markup.Write(b)
		}
	}
	all := markup.String()
	var n int
	for _, line := range strings.Split(string(doc), "\n") {
		var list string
		switch {
		case strings.HasPrefix(line, "//   - "):
			_, list, _ = strings.Cut(line, ": ")
		case strings.HasPrefix(line, "//     "):
			list = strings.TrimPrefix(line, "//")
		default:
			continue
		}
		for _, tok := range strings.Fields(list) {
			hook, id, hasID := strings.Cut(tok, "#")
			n++
			if !strings.Contains(all, `data-testid="`+hook+`"`) && !strings.Contains(all, `"data-testid": "`+hook+`"`) {
				t.Errorf("doc.go lists %q, but no template or script sets data-testid=%q", hook, hook)
			}
			if hasID && !strings.Contains(all, `id="`+id+`"`) {
				t.Errorf("doc.go says %q has id %q; no template sets it", hook, id)
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d hooks in doc.go; the parser is broken", n)
	}
}
