// Package neo4j is the scale-out graph.Store: it runs the statements of package cypher (and
// nothing else: parameters only, never built Cypher) on Neo4j through the v5 Go driver, reads
// on readers and writes on the leader, in managed transactions.
// It imports graph, graph/rank (stored rankings are computed by the embedded engine's code over
// a loaded neighborhood) and cypher only.
//
// Must not import: ./config, ./flickr, ./graph/embedded, ./server, ./worker
package neo4j
