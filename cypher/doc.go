// Package cypher owns photorec's Cypher: one statement per .cypher file (store/ for the Neo4j
// backend, migrations/ for the schema, analyst/ for Neo4j Browser), each with a parsed header
// (name, purpose, mode, params, returns) and bound to Go with //go:embed.
// It is a leaf.
//
// Must not import: ./..., github.com/neo4j/neo4j-go-driver
package cypher
