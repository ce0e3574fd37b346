// Package eval is photorec's offline evaluation: it splits a favorites data set into training
// faves and held-out (user, photo) pairs, loads the training faves into a graph engine, ranks the
// whole catalog per user under each algorithm, and reports HR, Recall and NDCG at K, coverage
// and time per user. It knows no HTTP, queue or Flickr; main wires the engine.
//
// Must not import: ./flickr, ./graph/embedded, ./graph/neo4j, ./server, ./worker, net/http,
// github.com/gofiber/fiber, github.com/hibiken/asynq, github.com/redis/go-redis
package eval
