package flickr

import (
	"context"
	"time"
)

// Lane is the priority class of a call under the shared rate limit.
type Lane int

// Lanes. The zero value is Background.
const (
	// Background is for scheduled refreshes and neighbor pulls.
	Background Lane = iota
	// Interactive is for calls a logged-in member is waiting on in the UI; it is served first.
	Interactive
	// Anonymous is for calls a visitor who is not logged in is waiting on (logging in, a
	// lookup). It has a small share of the budget of its own (LimitOptions.AnonymousPerHour),
	// yields to Interactive and goes before Background.
	Anonymous
)

// String returns "background", "interactive" or "anonymous" (a metrics label).
func (l Lane) String() string {
	switch l {
	case Interactive:
		return "interactive"
	case Anonymous:
		return "anonymous"
	}
	return "background"
}

type laneKey struct{}

// WithLane returns a context whose Flickr calls use lane.
func WithLane(ctx context.Context, lane Lane) context.Context {
	return context.WithValue(ctx, laneKey{}, lane)
}

// LaneOf returns the lane set by WithLane, Background when none was set.
func LaneOf(ctx context.Context) Lane {
	if l, ok := ctx.Value(laneKey{}).(Lane); ok && (l == Interactive || l == Anonymous) {
		return l
	}
	return Background
}

type waitKey struct{}

// WithMaxWait returns a context whose Flickr calls wait for the rate limiter until d from now
// at most, all calls together: a call whose wait would go on longer fails with ErrBusy
// instead. A person waiting on a page uses it so that a queue for Flickr fails fast rather
// than hangs; background work waits as long as its ctx allows.
func WithMaxWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, waitKey{}, time.Now().Add(d))
}

// waitUntil is the end of the limiter waits set by WithMaxWait; ok is false when none was set.
func waitUntil(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(waitKey{}).(time.Time)
	return t, ok
}
