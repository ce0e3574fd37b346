// Package server owns photorec's HTTP surface: the JSON API under /api/v1, Flickr OAuth login
// with encrypted session cookies and CSRF, Server-Sent Events for refresh progress, the pages
// rendered from ui's templates, and /healthz, /readyz and /metrics.
//
// It talks to the graph, Flickr and the refresh pipeline only through the small interfaces it
// declares (Graph, Flickr, Pipeline), and takes its settings in Options, never from config.
//
// Must not import: ./config, ./graph/embedded, ./graph/neo4j, ./worker
package server
