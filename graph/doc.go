// Package graph owns photorec's domain: users, photos, FAVED/TOOK/FOLLOWS edges, dismissals,
// per-user pull bookkeeping, the Store contract every backend implements, and the scoring rules
// (Flexplore and the other algorithms) in their reference form.
// It knows nothing of HTTP, queues, Flickr or backends.
//
// Must not import: ./flickr, ./graph/embedded, ./graph/neo4j, net/http, github.com/gofiber/fiber,
// github.com/hibiken/asynq, github.com/redis/go-redis, github.com/neo4j/neo4j-go-driver, go.etcd.io/bbolt
package graph
