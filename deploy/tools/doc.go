// Package tools validates deploy/ offline: compose.yaml with compose-go, the alert rules with
// Prometheus's PromQL parser, and the metric names the dashboard and rules use against the code.
// k8sschema generates the vendored kubeconform schemas. It is a separate module so these
// dependencies stay out of photorec's go.mod; it must not import photorec's packages.
package tools
