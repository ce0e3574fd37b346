// Package deploy holds photorec's deployment files (Dockerfile, compose.yaml, Kubernetes
// manifests, example config, dashboards, alert rules) and, in its tests, the checks that tie
// them to the code: the example config equals config's defaults, the Dockerfile builds what CI
// builds. It has no runtime code; nothing may import it, and its tests import only config.
//
// Must not import: ./...
package deploy
