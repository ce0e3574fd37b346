package tools_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

// ruleFile mirrors Prometheus's rule file format (model/rulefmt); decoding it with KnownFields
// rejects any key Prometheus would not know.
type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Limit    int    `yaml:"limit"`
		Rules    []struct {
			Record        string            `yaml:"record"`
			Alert         string            `yaml:"alert"`
			Expr          string            `yaml:"expr"`
			For           string            `yaml:"for"`
			KeepFiringFor string            `yaml:"keep_firing_for"`
			Labels        map[string]string `yaml:"labels"`
			Annotations   map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

var (
	ruleName   = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	severities = map[string]bool{"critical": true, "warning": true, "info": true}
)

// TestAlertRules does what `promtool check rules` does that matters here, offline: strict
// structure, PromQL that parses, durations that parse, templates that parse and execute, unique
// group names; plus house rules (a severity label, a summary and a description).
func TestAlertRules(t *testing.T) {
	raw, err := os.ReadFile("../prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	if len(rf.Groups) == 0 {
		t.Fatal("alerts.yaml has no groups")
	}
	p := parser.NewParser(parser.Options{})
	groups := map[string]bool{}
	alerts := 0
	for _, g := range rf.Groups {
		if g.Name == "" || groups[g.Name] {
			t.Errorf("group name %q empty or repeated", g.Name)
		}
		groups[g.Name] = true
		if g.Interval != "" {
			if _, err := model.ParseDuration(g.Interval); err != nil {
				t.Errorf("group %s: interval: %v", g.Name, err)
			}
		}
		for _, r := range g.Rules {
			name := r.Alert + r.Record
			if (r.Alert == "") == (r.Record == "") || !ruleName.MatchString(name) {
				t.Errorf("group %s: rule %q needs exactly one valid alert or record name", g.Name, name)
				continue
			}
			if _, err := p.ParseExpr(r.Expr); err != nil {
				t.Errorf("%s: expr: %v", name, err)
			}
			for what, d := range map[string]string{"for": r.For, "keep_firing_for": r.KeepFiringFor} {
				if d == "" {
					continue
				}
				if _, err := model.ParseDuration(d); err != nil {
					t.Errorf("%s: %s: %v", name, what, err)
				}
			}
			if r.Record != "" {
				continue
			}
			alerts++
			if !severities[r.Labels["severity"]] {
				t.Errorf("%s: severity label %q, want critical, warning or info", name, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", name, a)
				}
			}
			for k, text := range r.Annotations {
				if err := checkTemplate(text); err != nil {
					t.Errorf("%s: annotation %s: %v", name, k, err)
				}
			}
			for k, text := range r.Labels {
				if err := checkTemplate(text); err != nil {
					t.Errorf("%s: label %s: %v", name, k, err)
				}
			}
		}
	}
	if alerts == 0 {
		t.Error("alerts.yaml has no alerting rule")
	}
}

// TestAlertTemplateCheckFails keeps checkTemplate honest: it must reject what Prometheus rejects.
func TestAlertTemplateCheckFails(t *testing.T) {
	for _, bad := range []string{`{{ $value | nosuchfunc }}`, `{{ $undefined }}`, `{{ .Value`, `{{ end }}`} {
		if err := checkTemplate(bad); err == nil {
			t.Errorf("checkTemplate(%q) = nil, want an error", bad)
		}
	}
	for _, good := range []string{`{{ $value | humanizePercentage }}`, `{{ $labels.queue }} {{ $value | printf "%.0f" }}`} {
		if err := checkTemplate(good); err != nil {
			t.Errorf("checkTemplate(%q) = %v", good, err)
		}
	}
}

// checkTemplate parses and executes an alert template the way Prometheus's rule manager does:
// the same variable prelude and the same function names (here returning placeholder strings).
func checkTemplate(text string) error {
	const prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
	str := func(v any) string { return fmt.Sprint(v) }
	funcs := template.FuncMap{
		"humanize": str, "humanize1024": str, "humanizeDuration": str, "humanizePercentage": str,
		"humanizeTimestamp": str, "title": str, "toUpper": strings.ToUpper, "toLower": strings.ToLower,
		"match": regexp.MatchString, "reReplaceAll": func(p, r, s string) string { return s },
		"label": func(string, any) string { return "" }, "value": func(any) float64 { return 0 },
		"strvalue": func(any) string { return "" }, "first": func(any) any { return nil },
		"query": func(string) ([]any, error) { return nil, nil }, "args": func(...any) map[string]any { return nil },
		"safeHtml": str, "stripPort": str, "stripDomain": str, "pathPrefix": func() string { return "" },
		"externalURL": func() string { return "" }, "parseDuration": str, "toTime": str, "toDuration": str,
		"now": func() float64 { return 0 }, "graphLink": str, "tableLink": str, "sortByLabel": func(string, any) any { return nil },
		"tmpl": func(string, any) (string, error) { return "", nil },
	}
	tmpl, err := template.New("alert").Funcs(funcs).Option("missingkey=zero").Parse(prelude + text)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Labels":         map[string]string{"queue": "pull", "type": "flickr:pull-user"},
		"ExternalLabels": map[string]string{},
		"ExternalURL":    "",
		"Value":          0.5,
	}
	return tmpl.Execute(&bytes.Buffer{}, data)
}

// TestDashboard: the dashboard is valid JSON whose every query parses as PromQL and whose panels
// do not overlap.
func TestDashboard(t *testing.T) {
	raw, err := os.ReadFile("../grafana/photorec.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Title  string `json:"title"`
		Panels []struct {
			ID      int    `json:"id"`
			Type    string `json:"type"`
			Title   string `json:"title"`
			GridPos struct {
				H, W, X, Y int
			} `json:"gridPos"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("photorec.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" || len(dash.Panels) == 0 {
		t.Fatalf("dashboard uid %q title %q with %d panels", dash.UID, dash.Title, len(dash.Panels))
	}
	p := parser.NewParser(parser.Options{})
	ids := map[int]bool{}
	type cell struct{ x, y int }
	used := map[cell]string{}
	queries := 0
	for _, pn := range dash.Panels {
		if ids[pn.ID] {
			t.Errorf("panel id %d repeated", pn.ID)
		}
		ids[pn.ID] = true
		if pn.GridPos.X+pn.GridPos.W > 24 {
			t.Errorf("panel %q is wider than the 24-column grid", pn.Title)
		}
		for x := pn.GridPos.X; x < pn.GridPos.X+pn.GridPos.W; x++ {
			for y := pn.GridPos.Y; y < pn.GridPos.Y+pn.GridPos.H; y++ {
				if other, ok := used[cell{x, y}]; ok {
					t.Errorf("panels %q and %q overlap at %d,%d", other, pn.Title, x, y)
				}
				used[cell{x, y}] = pn.Title
			}
		}
		if pn.Type != "row" && len(pn.Targets) == 0 {
			t.Errorf("panel %q has no query", pn.Title)
		}
		for _, tg := range pn.Targets {
			queries++
			if _, err := p.ParseExpr(tg.Expr); err != nil {
				t.Errorf("panel %q: %v", pn.Title, err)
			}
		}
	}
	if queries == 0 {
		t.Error("dashboard has no queries")
	}
}
