// Package graphtest is the conformance suite of graph.Store: Run checks a backend against
// hand-computed cases and against Model, a brute-force reference written from the definitions
// in graph/score.go and graph/algorithms.go. It imports only graph and test libraries, never a
// backend.
//
// Must not import: ./config, ./flickr, ./graph/embedded, ./graph/neo4j, ./server, ./worker
package graphtest
