// Package flickr is photorec's Flickr REST client: typed calls, OAuth 1.0a, typed errors,
// retries with backoff, and the API-key-wide rate limit shared through Redis (two lanes).
// It is a leaf (flickr/flickrtest is its simulator, used by tests only), and it knows nothing of
// graphs, queues or Prometheus.
//
// Must not import: ./..., github.com/hibiken/asynq, github.com/prometheus
package flickr
