// Package embedded is photorec's default graph engine: the whole graph in compact in-memory
// adjacency (interned IDs, sorted uint32 lists), made durable by a write-ahead log in bbolt plus
// periodic snapshot files. It implements graph.Store and knows nothing of HTTP, queues, Flickr or
// other backends.
//
// Must not import: ./flickr, ./graph/neo4j, net/http, github.com/gofiber/fiber,
// github.com/hibiken/asynq, github.com/redis/go-redis, github.com/neo4j/neo4j-go-driver
package embedded
