package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/photorec/photorec/graph"
)

func TestMapErr(t *testing.T) {
	tests := []struct {
		name            string
		err             error
		wantUnavailable bool
		wantSame        bool // errors.Is(mapped, err)
	}{
		{"nil", nil, false, true},
		{"connectivity", &driver.ConnectivityError{Inner: errors.New("refused")}, true, true},
		{"wrapped connectivity", fmt.Errorf("x: %w", &driver.ConnectivityError{Inner: errors.New("eof")}), true, true},
		{"retries exhausted", &driver.TransactionExecutionLimit{Cause: "timeout"}, true, true},
		{"transient", &driver.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, true, true},
		{"not a leader", &driver.Neo4jError{Code: "Neo.ClientError.Cluster.NotALeader"}, true, true},
		{"no database", &driver.Neo4jError{Code: "Neo.ClientError.Database.DatabaseNotFound"}, true, true},
		{"syntax error", &driver.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, false, true},
		{"constraint", &driver.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}, false, true},
		{"not found", notFound("user", "u", graph.ErrNotFound), false, true},
		{"argument", &graph.ArgumentError{Field: "nsid", Reason: "empty"}, false, true},
		{"canceled", context.Canceled, false, true},
		{"read timeout", &driver.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapErr(tt.err)
			if errors.Is(got, ErrUnavailable) != tt.wantUnavailable {
				t.Errorf("errors.Is(mapErr(%v), ErrUnavailable) = %v, want %v", tt.err, !tt.wantUnavailable, tt.wantUnavailable)
			}
			if tt.err != nil && errors.Is(got, tt.err) != tt.wantSame {
				t.Errorf("mapErr(%v) no longer matches the original error", tt.err)
			}
			if tt.err == nil && got != nil {
				t.Errorf("mapErr(nil) = %v", got)
			}
		})
	}
	if !errors.Is(mapErr(notFound("user", "u", graph.ErrNotFound)), graph.ErrNotFound) {
		t.Errorf("graph.ErrNotFound lost")
	}
}

// TestNoRetryOfMemoryErrors checks that a memory error leaves a managed transaction as an error
// the driver cannot find a *driver.Neo4jError in (it retries those that are transient), that
// still means unavailable; other errors pass unchanged.
func TestNoRetryOfMemoryErrors(t *testing.T) {
	for _, code := range []string{
		"Neo.TransientError.General.MemoryPoolOutOfMemoryError",
		"Neo.TransientError.General.TransactionMemoryLimit",
		"Neo.TransientError.General.OutOfMemoryError",
	} {
		err := noRetry(fmt.Errorf("neo4j: x: %w", &driver.Neo4jError{Code: code, Msg: "limit"}))
		var n4j *driver.Neo4jError
		if errors.As(err, &n4j) {
			t.Errorf("%s: noRetry kept a *Neo4jError the driver would retry: %v", code, err)
		}
		if !errors.Is(mapErr(err), ErrUnavailable) {
			t.Errorf("%s: mapErr(noRetry) = %v, want ErrUnavailable", code, mapErr(err))
		}
	}
	deadlock := &driver.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}
	if got := noRetry(deadlock); !errors.Is(got, deadlock) {
		t.Errorf("noRetry(deadlock) = %v, want it unchanged (retried)", got)
	}
	if noRetry(nil) != nil {
		t.Errorf("noRetry(nil) != nil")
	}
}

// TestOpenErrors opens real driver connections to addresses where no Neo4j listens.
func TestOpenErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()
	tests := []struct {
		name            string
		opts            Options
		wantUnavailable bool
	}{
		{"empty uri", Options{}, false},
		{"bad scheme", Options{URI: "http://127.0.0.1:7474"}, false},
		{"nobody listening", Options{URI: "bolt://" + closedPort}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if errors.Is(err, ErrUnavailable) != tt.wantUnavailable {
				t.Errorf("Open: %v; matches ErrUnavailable = %v, want %v", err, !tt.wantUnavailable, tt.wantUnavailable)
			}
		})
	}
}
