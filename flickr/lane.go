package flickr

import "context"

// Lane is the priority class of a call under the shared rate limit.
type Lane int

// Lanes. The zero value is Background.
const (
	// Background is for scheduled refreshes and neighbor pulls.
	Background Lane = iota
	// Interactive is for calls a person is waiting on in the UI; it is served first.
	Interactive
)

// String returns "background" or "interactive" (a metrics label).
func (l Lane) String() string {
	if l == Interactive {
		return "interactive"
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
	if l, ok := ctx.Value(laneKey{}).(Lane); ok && l == Interactive {
		return Interactive
	}
	return Background
}
