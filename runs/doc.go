// Package runs owns refresh runs and their jobs: the one list of run states and reasons,
// Progress, the job ids, their state in Redis (Store: counting, waiting, locks, freshness, with
// each Lua script's KEYS and ARGV above it), and the durable journal of unfinished runs that
// lets a restart resume or end every run (Journal). The worker drives runs; the server reads them.
//
// Must not import: ./...
package runs
