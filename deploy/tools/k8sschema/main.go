// Command k8sschema writes offline JSON schemas for kubeconform.
//
// It reads the Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json in the
// k8s.io/kubernetes module) and CustomResourceDefinition files (such as KEDA's), and
// writes one self-contained ("standalone"), strict schema per requested kind, named
// the way kubeconform's -schema-location template expects:
// {{ .ResourceKind }}{{ .KindSuffix }}.json, e.g. deployment-apps-v1.json.
//
// Strict means every object that lists its properties rejects any other property,
// which is what `kubeconform -strict` relies on. Descriptions are dropped to keep
// the files small. Usage:
//
//	k8sschema -swagger swagger.json -crd keda.sh_scaledobjects.yaml -out dir apps/v1/Deployment v1/Service ...
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "k8sschema:", err)
		os.Exit(1)
	}
}

type crdList []string

func (c *crdList) String() string     { return strings.Join(*c, ",") }
func (c *crdList) Set(v string) error { *c = append(*c, v); return nil }

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("k8sschema", flag.ContinueOnError)
	swagger := fs.String("swagger", "", "path of the Kubernetes swagger.json")
	out := fs.String("out", "", "directory to write schemas into")
	var crds crdList
	fs.Var(&crds, "crd", "path of a CustomResourceDefinition YAML file (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *swagger == "" || *out == "" || fs.NArg() == 0 {
		return errors.New("usage: k8sschema -swagger FILE [-crd FILE]... -out DIR group/version/Kind [group/version/Kind]")
	}
	core, err := loadSwagger(*swagger)
	if err != nil {
		return err
	}
	for _, path := range crds {
		if err := loadCRD(path, core); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	for _, want := range fs.Args() {
		schema, ok := core[want]
		if !ok {
			return fmt.Errorf("no schema for %s (known: %d kinds)", want, len(core))
		}
		name := fileName(want)
		b, err := json.MarshalIndent(schema, "", " ")
		if err != nil {
			return fmt.Errorf("encode %s: %w", want, err)
		}
		if err := os.WriteFile(filepath.Join(*out, name), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		fmt.Fprintf(stdout, "%s\t%d bytes\n", name, len(b)+1)
	}
	return nil
}

// fileName mirrors kubeconform's schemaPath: "apps/v1/Deployment" -> "deployment-apps-v1.json",
// "v1/Service" -> "service-v1.json", "keda.sh/v1alpha1/ScaledObject" -> "scaledobject-keda-v1alpha1.json".
func fileName(gvk string) string {
	i := strings.LastIndex(gvk, "/")
	apiVersion, kind := gvk[:i], gvk[i+1:]
	parts := strings.Split(apiVersion, "/")
	suffix := "-" + strings.ToLower(strings.Split(parts[0], ".")[0])
	if len(parts) > 1 {
		suffix += "-" + strings.ToLower(parts[1])
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// loadSwagger returns standalone strict schemas keyed by "group/version/Kind" ("version/Kind" for the core group).
func loadSwagger(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read swagger: %w", err)
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode swagger: %w", err)
	}
	out := map[string]any{}
	names := make([]string, 0, len(doc.Definitions))
	for name := range doc.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		def := doc.Definitions[name]
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			m, _ := g.(map[string]any)
			group, _ := m["group"].(string)
			version, _ := m["version"].(string)
			kind, _ := m["kind"].(string)
			key := version + "/" + kind
			if group != "" {
				key = group + "/" + key
			}
			if _, seen := out[key]; seen {
				continue
			}
			s, err := expand(def, doc.Definitions, nil)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[key] = s
		}
	}
	return out, nil
}

// expand inlines every "#/definitions/..." reference, drops descriptions, maps the two
// string-typed special cases (IntOrString, Quantity) to what they really accept, and
// closes every object that lists its properties.
func expand(node any, defs map[string]map[string]any, stack []string) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			switch name {
			case "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
				return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}, nil
			case "io.k8s.apimachinery.pkg.api.resource.Quantity":
				return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}, nil
			}
			for _, s := range stack {
				if s == name {
					return map[string]any{}, nil // recursive type: accept anything below this point
				}
			}
			def, ok := defs[name]
			if !ok {
				return nil, fmt.Errorf("unresolved reference %s", ref)
			}
			return expand(def, defs, append(stack, name))
		}
		out := make(map[string]any, len(n))
		for k, v := range n {
			if k == "description" || strings.HasPrefix(k, "x-kubernetes-") && k != "x-kubernetes-preserve-unknown-fields" {
				continue
			}
			if k == "properties" {
				props := map[string]any{}
				for pk, pv := range v.(map[string]any) {
					e, err := expand(pv, defs, stack)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", pk, err)
					}
					props[pk] = e
				}
				out[k] = props
				continue
			}
			e, err := expand(v, defs, stack)
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		if _, hasProps := out["properties"]; hasProps {
			if _, set := out["additionalProperties"]; !set && out["x-kubernetes-preserve-unknown-fields"] != true {
				out["additionalProperties"] = false
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			e, err := expand(v, defs, stack)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	default:
		return node, nil
	}
}

// loadCRD adds the served versions of one CustomResourceDefinition to schemas.
func loadCRD(path string, schemas map[string]any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read crd: %w", err)
	}
	var crd struct {
		Spec struct {
			Group string `yaml:"group"`
			Names struct {
				Kind string `yaml:"kind"`
			} `yaml:"names"`
			Versions []struct {
				Name   string `yaml:"name"`
				Served bool   `yaml:"served"`
				Schema struct {
					OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
				} `yaml:"schema"`
			} `yaml:"versions"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		return fmt.Errorf("decode crd %s: %w", path, err)
	}
	if crd.Spec.Group == "" || crd.Spec.Names.Kind == "" {
		return fmt.Errorf("crd %s: no group or kind", path)
	}
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		s, err := expand(v.Schema.OpenAPIV3Schema, nil, nil)
		if err != nil {
			return fmt.Errorf("crd %s: %w", path, err)
		}
		schemas[crd.Spec.Group+"/"+v.Name+"/"+crd.Spec.Names.Kind] = s
	}
	return nil
}
