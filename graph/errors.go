package graph

import (
	"errors"
	"fmt"
)

// Sentinel errors of every Store.
var (
	ErrNotFound        = errors.New("graph: not found")
	ErrInvalidArgument = errors.New("graph: invalid argument")
)

// ArgumentError reports one bad argument. errors.Is(err, ErrInvalidArgument) holds for it.
type ArgumentError struct {
	Field  string // "nsid", "limit", "cursor", ...
	Reason string
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("graph: invalid %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidArgument) true.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }
