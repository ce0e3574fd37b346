// Package embedredis runs an in-process Redis (miniredis) for `photorec demo`, so the Asynq
// queue works without a redis-server. It owns nothing else and must not import project packages.
package embedredis
