package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
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

// TestOpenAPIEnumsMatchGraph: the algorithm names and reason kinds the document lists are
// graph's (AlgorithmList, the kinds of its reasons and "more like this").
func TestOpenAPIEnumsMatchGraph(t *testing.T) {
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	var algs []string
	for _, a := range graph.AlgorithmNames() {
		algs = append(algs, string(a))
	}
	if diff := cmp.Diff(algs, doc.Components.Parameters["algorithm"].Schema.Enum); diff != "" {
		t.Errorf("algorithm enum (-graph.AlgorithmList +openapi.json):\n%s", diff)
	}
	kinds := []string{string(graph.ReasonAlsoFaved)}
	for _, a := range graph.AlgorithmList {
		for _, k := range a.Reasons {
			kinds = append(kinds, string(k))
		}
	}
	slices.Sort(kinds)
	kinds = slices.Compact(kinds)
	got := slices.Sorted(slices.Values(doc.Components.Schemas["Reason"].Properties["kind"].Enum))
	if diff := cmp.Diff(kinds, got); diff != "" {
		t.Errorf("reason kinds (-graph +openapi.json):\n%s", diff)
	}
}
