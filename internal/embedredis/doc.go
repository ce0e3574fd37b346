// Package embedredis runs an in-process Redis (miniredis) for `photorec demo`, so the Asynq
// queue works without a redis-server. It owns nothing else.
//
// Must not import: ./...
package embedredis
