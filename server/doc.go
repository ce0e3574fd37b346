// Package server owns photorec's HTTP surface: the JSON API under /api/v1, Flickr OAuth login
// with encrypted session cookies and CSRF, Server-Sent Events for refresh progress, the pages
// rendered from ui's templates, and /healthz, /readyz and /metrics.
//
// It talks to the graph, Flickr and the refresh pipeline only through the small interfaces it
// declares (Graph, Flickr, Pipeline); it must not import graph backends, worker or main.
package server
