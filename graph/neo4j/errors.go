package neo4j

import (
	"errors"
	"fmt"
	"strings"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrUnavailable matches (errors.Is) every error that means Neo4j could not be reached or
// could not serve the request for now: connection failures, exhausted driver retries and Neo4j's
// transient errors. Callers may retry later (the API answers 503).
var ErrUnavailable = errors.New("neo4j: unavailable")

// unavailable wraps a driver error so that it matches ErrUnavailable and still unwraps to it.
type unavailable struct{ err error }

func (e *unavailable) Error() string        { return e.err.Error() }
func (e *unavailable) Unwrap() error        { return e.err }
func (e *unavailable) Is(target error) bool { return target == ErrUnavailable }

// memoryError is a Neo4j error that says the server ran out of memory for a query (the
// transaction's or the pool's limit). It matches ErrUnavailable but does not unwrap to the
// driver's *Neo4jError, so the driver, which retries every transient error it can find with
// errors.As, does not run the same expensive query again.
type memoryError struct {
	code, msg string
}

func (e *memoryError) Error() string        { return "neo4j: out of memory: " + e.code + ": " + e.msg }
func (e *memoryError) Is(target error) bool { return target == ErrUnavailable }

// isMemoryCode reports whether a Neo4j status code is a memory limit being hit
// (Neo.TransientError.General.MemoryPoolOutOfMemoryError, ...TransactionMemoryLimit, ...).
func isMemoryCode(code string) bool {
	return strings.Contains(code, "OutOfMemory") || strings.Contains(code, "MemoryLimit")
}

// noRetry replaces a memory error returned inside a managed transaction with a *memoryError,
// which the driver does not retry; any other error is returned as is.
func noRetry(err error) error {
	var n4j *driver.Neo4jError
	if err != nil && errors.As(err, &n4j) && isMemoryCode(n4j.Code) {
		return &memoryError{code: n4j.Code, msg: n4j.Msg}
	}
	return err
}

// mapErr classifies a driver error: unavailability becomes ErrUnavailable-matching, everything
// else (graph sentinels, argument errors, context errors, client errors) is returned as is.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var (
		conn  *driver.ConnectivityError
		limit *driver.TransactionExecutionLimit
		n4j   *driver.Neo4jError
	)
	switch {
	case errors.As(err, &conn), errors.As(err, &limit):
		return &unavailable{err}
	case errors.As(err, &n4j):
		if n4j.Classification() == "TransientError" || n4j.Code == "Neo.ClientError.Cluster.NotALeader" ||
			n4j.Code == "Neo.ClientError.Database.DatabaseNotFound" ||
			strings.HasPrefix(n4j.Code, "Neo.ClientError.Transaction.TransactionTimedOut") {
			return &unavailable{err}
		}
	}
	return err
}

// notFound is graph.ErrNotFound for one key, wrapped with this package's prefix.
func notFound(what, key string, sentinel error) error {
	return fmt.Errorf("neo4j: %s %q: %w", what, key, sentinel)
}
