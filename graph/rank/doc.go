// Package rank computes every ranking of graph/algorithms.go (photos, people, "more like this")
// and the reasons that explain them, over any Graph: the embedded engine's whole graph, or a
// neighborhood another backend loaded. It holds no data of its own.
//
// It imports only package graph: no backends, HTTP, queues or Flickr.
//
// Must not import: ./config, ./flickr, ./graph/embedded, ./graph/neo4j, ./server, ./worker,
// net/http, github.com/gofiber/fiber, github.com/hibiken/asynq, github.com/redis/go-redis,
// github.com/neo4j/neo4j-go-driver, go.etcd.io/bbolt
package rank
