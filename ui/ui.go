package ui

import (
	"embed"
	"html/template"
	"io/fs"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Templates parses every page template with funcs (the server supplies URL helpers: photoPage,
// profile, userPath). Pages are "welcome", "user", "taste" and "error"; each expects the view
// struct the server defines for it.
func Templates(funcs template.FuncMap) (*template.Template, error) {
	return template.New("ui").Funcs(funcs).ParseFS(templateFiles, "templates/*.html")
}

// Static returns the static files (CSS, JS, images), rooted so that "app.css" is a top-level
// name; the server mounts them under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("ui: static files missing: " + err.Error()) // impossible: embedded at build time
	}
	return sub
}
