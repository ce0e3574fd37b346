// Package embedded is photorec's default graph engine: the whole graph in compact in-memory
// adjacency (interned IDs, sorted uint32 lists), made durable by a write-ahead log in bbolt plus
// periodic snapshot files. It implements graph.Store and must not import HTTP, queue, Flickr or
// other backend packages.
package embedded
