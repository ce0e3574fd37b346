package rank

import "math"

// None is "no user": the owner of a photo whose owner is unknown, and the viewer of an anonymous
// SimilarPhotos query.
const None = math.MaxUint32

// Graph is the adjacency the rankings read. Users and photos are dense indexes below Users() and
// Photos(). Lists are owned by the Graph and only read; a Graph must not change while a ranking
// runs on it. Methods are called once per list, never per element, so an interface costs little.
type Graph interface {
	Users() int
	Photos() int
	// Faves are the photos u faved, sorted ascending.
	Faves(u uint32) []uint32
	// Favers are the users who fave p, in any order. A Graph that holds only part of them (a
	// loaded neighborhood) still reports the whole number in Degree.
	Favers(p uint32) []uint32
	// Degree is the number of users who fave p.
	Degree(p uint32) int
	// Owner is p's owner, None when unknown.
	Owner(p uint32) uint32
	// Took are the photos u owns, in any order.
	Took(u uint32) []uint32
	// Contacts are the users u follows, sorted ascending.
	Contacts(u uint32) []uint32
	// DismissedPhotos and DismissedUsers are u's dismissals, sorted ascending.
	DismissedPhotos(u uint32) []uint32
	DismissedUsers(u uint32) []uint32
	// PhotoID and NSID are the keys: rankings break ties by them.
	PhotoID(p uint32) string
	NSID(u uint32) string
}

// FaveCounter is implemented by a Graph that holds the Faves of only some of the users it knows
// (a loaded neighborhood): FaveCount(u) is the number of photos u faved in the whole graph. The
// walk asks it for its co-favers, of whom it reads the Faves of only the Walk.Users strongest;
// without it, the number is len(Faves(u)).
type FaveCounter interface {
	FaveCount(u uint32) int
}

// powTable caches n^e for the small integers degrees and list lengths take.
type powTable struct {
	e float64
	t []float64
}

const powTableSize = 1 << 14

func newPowTable(e float64) *powTable {
	t := make([]float64, powTableSize)
	for n := range t {
		t[n] = pow(float64(n), e)
	}
	return &powTable{e: e, t: t}
}

// at returns n^e (0 for n = 0 whatever e).
func (p *powTable) at(n int) float64 {
	if n < len(p.t) {
		return p.t[n]
	}
	return pow(float64(n), p.e)
}

// pow is math.Pow with the exact shortcuts for the exponents the constants take most, and 0 for
// a base of 0 (a photo or user without faves weighs nothing).
func pow(x, e float64) float64 {
	switch {
	case x == 0:
		return 0
	case e == 1:
		return x
	case e == -1:
		return 1 / x
	case e == 0.5:
		return math.Sqrt(x)
	case e == -0.5:
		return 1 / math.Sqrt(x)
	}
	return math.Pow(x, e)
}
