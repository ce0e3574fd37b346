package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type openAPIDocument struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

var pathParam = regexp.MustCompile(`:([a-z]+)`)

// TestOpenAPIMatchesRoutes: every /api/v1 route is documented, and every documented path and
// method exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, nil)
	res := e.client(t).get("/api/v1/openapi.json")
	if res.Status != 200 {
		t.Fatalf("openapi.json: %d", res.Status)
	}
	var doc openAPIDocument
	res.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented []string
	for path, item := range doc.Paths {
		for method, op := range item {
			if method == "parameters" {
				continue
			}
			var o struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || len(o.Responses) == 0 {
				t.Errorf("%s %s: no responses documented", method, path)
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	var routed []string
	for _, r := range e.srv.App().GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		routed = append(routed, r.Method+" "+pathParam.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}"))
	}
	slices.Sort(documented)
	slices.Sort(routed)
	routed = slices.Compact(routed)
	if diff := cmp.Diff(routed, documented); diff != "" {
		t.Fatalf("routes (-) vs OpenAPI document (+):\n%s", diff)
	}
}
