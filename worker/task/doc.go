// Package task is the contract of photorec's Asynq tasks: type names, queue names, payload
// structs, their constructors and parsers. It is a leaf.
//
// Must not import: ./...
package task
