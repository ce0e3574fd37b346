// Package testsvc starts real services (redis-server) on free loopback ports for tests.
// A missing binary skips the test locally but fails it when the CI environment variable is set.
//
// Must not import: ./...
package testsvc
