package neo4j

import (
	"errors"
	"fmt"

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
			n4j.Code == "Neo.ClientError.Database.DatabaseNotFound" {
			return &unavailable{err}
		}
	}
	return err
}

// notFound is graph.ErrNotFound for one key, wrapped with this package's prefix.
func notFound(what, key string, sentinel error) error {
	return fmt.Errorf("neo4j: %s %q: %w", what, key, sentinel)
}
