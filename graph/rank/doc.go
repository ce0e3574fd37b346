// Package rank computes every ranking of graph/algorithms.go (photos, people, "more like this")
// and the reasons that explain them, over any Graph: the embedded engine's whole graph, or a
// neighborhood another backend loaded. It holds no data of its own.
//
// It imports only package graph; it must not import backends, HTTP, queue or Flickr packages.
package rank
