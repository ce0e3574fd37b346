#!/usr/bin/env bash
# Static validation of deploy/, offline (no Docker engine, no cluster, no schema downloads).
#
#   deploy/validate.sh           run every check (CI runs this)
#   deploy/validate.sh schemas   regenerate deploy/schemas/ (after adding a kind to deploy/k8s/)
#
# Checks, in order:
#   1. Kubernetes manifests: kustomize render (kubectl kustomize), then kubeconform -strict against
#      the vendored schemas in deploy/schemas/, plus a known-bad manifest that must be rejected.
#   2. The vendored schemas are exactly what deploy/tools/k8sschema generates from the pinned
#      Kubernetes and KEDA sources (fetched through the Go module proxy).
#   3. deploy/tools vet, golangci-lint and tests: compose.yaml through compose-go (the loader of `docker compose config`),
#      alert rules and dashboard through Prometheus's PromQL parser.
#   4. deploy tests in the main module: example config == config defaults, every deployed
#      environment loads with config.Load, kustomization lists every manifest, every metric the
#      dashboard and rules use is registered by the code, and the Dockerfile's go build line builds
#      a static binary that runs `photorec version`.
# Needs: go (and the Go module proxy). kubectl is used for kustomize when present.
set -euo pipefail

KUBECONFORM=github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0
K8S_MODULE=k8s.io/kubernetes@v1.36.3
KEDA_MODULE=github.com/kedacore/keda/v2@v2.21.0
# deploy/tools is its own module, outside `go tool task lint`: lint it here with the same pinned
# golangci-lint and the repository's .golangci.yml (the version must match Taskfile.yml).
GOLANGCI_LINT_VERSION=v2.15.0
# Every kind deploy/k8s uses. kubeconform fails on a kind with no schema: add it here and run
# `deploy/validate.sh schemas`.
KINDS=(
  v1/Namespace v1/ServiceAccount v1/ConfigMap v1/Secret v1/Service
  apps/v1/Deployment batch/v1/Job autoscaling/v2/HorizontalPodAutoscaler
  policy/v1/PodDisruptionBudget networking.k8s.io/v1/Ingress networking.k8s.io/v1/NetworkPolicy
  keda.sh/v1alpha1/ScaledObject keda.sh/v1alpha1/TriggerAuthentication
)

deploy_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$deploy_dir")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

module_dir() { # module@version -> its directory in the module cache (downloads it once)
  (cd "$deploy_dir/tools" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

generate_schemas() { # $1: output directory
  local k8s keda
  k8s=$(module_dir "$K8S_MODULE")
  keda=$(module_dir "$KEDA_MODULE")
  [ -f "$k8s/api/openapi-spec/swagger.json" ] || { echo "no swagger.json in $K8S_MODULE" >&2; exit 1; }
  (cd "$deploy_dir/tools" && go run ./k8sschema \
    -swagger "$k8s/api/openapi-spec/swagger.json" \
    -crd "$keda/config/crd/bases/keda.sh_scaledobjects.yaml" \
    -crd "$keda/config/crd/bases/keda.sh_triggerauthentications.yaml" \
    -out "$1" "${KINDS[@]}")
}

if [ "${1:-}" = schemas ]; then
  rm -f "$deploy_dir"/schemas/*.json
  generate_schemas "$deploy_dir/schemas"
  exit 0
fi

step "render deploy/k8s"
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$deploy_dir/k8s" >"$work/rendered.yaml"
  echo "kubectl kustomize: $(grep -c '^kind:' "$work/rendered.yaml") resources"
else
  # Without kustomize the files are validated one by one; the main-module test still checks that
  # kustomization.yaml lists every file.
  echo "kubectl not found: validating the manifest files without kustomize"
  for f in "$deploy_dir"/k8s/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    printf -- '---\n' >>"$work/rendered.yaml"
    cat "$f" >>"$work/rendered.yaml"
  done
fi

step "kubeconform -strict (offline schemas: deploy/schemas)"
schema_location="$deploy_dir/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"
go run "$KUBECONFORM" -strict -summary -schema-location "$schema_location" "$work/rendered.yaml"

# A validator that accepts everything is worse than none: this manifest has an unknown field and
# a string port, and must be rejected.
cat >"$work/bad.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: must-fail
spec:
  replicaz: 1
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers:
        - name: x
          image: x
          ports: [{containerPort: "80"}]
EOF
if go run "$KUBECONFORM" -strict -schema-location "$schema_location" "$work/bad.yaml" >"$work/bad.out" 2>&1; then
  echo "kubeconform accepted a known-bad manifest:" >&2
  cat "$work/bad.out" >&2
  exit 1
fi
echo "known-bad manifest rejected, as it must be"

step "vendored schemas match the generator ($K8S_MODULE, $KEDA_MODULE)"
generate_schemas "$work/schemas" >/dev/null
if ! diff -r "$work/schemas" "$deploy_dir/schemas" -x README.md >"$work/schemas.diff"; then
  head -50 "$work/schemas.diff" >&2
  echo "deploy/schemas is stale or hand-edited: run deploy/validate.sh schemas" >&2
  exit 1
fi
schemas=("$deploy_dir"/schemas/*.json)
echo "deploy/schemas: up to date (${#schemas[@]} schemas)"

step "deploy/tools: vet, golangci-lint $GOLANGCI_LINT_VERSION, tests (compose-go, PromQL)"
if ! grep -q "GOLANGCI_LINT_VERSION: $GOLANGCI_LINT_VERSION\$" "$root/Taskfile.yml"; then
  echo "Taskfile.yml pins another golangci-lint than GOLANGCI_LINT_VERSION=$GOLANGCI_LINT_VERSION here" >&2
  exit 1
fi
(cd "$deploy_dir/tools" && go vet ./... \
  && go run "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION" run --config ../../.golangci.yml ./... \
  && go test -count=1 ./...)

step "deploy tests (config defaults, deployed environments, metrics, Dockerfile build)"
(cd "$root" && go vet ./deploy && go test -count=1 ./deploy)

echo
echo "deploy/validate.sh: all checks passed"
