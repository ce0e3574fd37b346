package graph

import "math"

// Recommendation semantics, shared by every backend (graphtest holds them to it):
//
//   - neighbors N(U): owners of photos U faved, U excluded.
//   - common(n): photos faved by both U and n. total(n): n's stored favorites.
//     dismissed(n): photos U dismissed that n faved.
//   - score(n) = NeighborScore(params, common(n), dismissed(n), total(n)).
//     A dismissal is negative feedback: each photo U dismissed takes DismissWeight away from the
//     common count of every neighbor who faved it, floored at zero.
//   - photo score: sum of score(n) over the neighbors n who faved the photo. Excluded: photos U
//     faved, U's own photos, dismissed photos, photos whose owner U dismissed, score 0.
//   - user recommendations: neighbors by score (zero included), minus U's contacts and the
//     users U dismissed.
//   - order: score desc, then ID asc.

// FlexploreParams are the constants of the Flexplore neighbor score.
type FlexploreParams struct {
	Scale         float64 // default 150
	Prior         float64 // default 250: added to the neighbor's total favorites
	DismissWeight float64 // default 1: common favorites one dismissed photo cancels
}

// DefaultFlexplore returns the seed's constants and the default dismissal weight.
func DefaultFlexplore() FlexploreParams {
	return FlexploreParams{Scale: 150, Prior: 250, DismissWeight: 1}
}

// NeighborScore is Scale * sqrt(max(0, common - DismissWeight*dismissed) / (total + Prior)).
// It is 0 when the numerator or the denominator is not positive.
func NeighborScore(p FlexploreParams, common, dismissed, total int) float64 {
	num := float64(common) - p.DismissWeight*float64(dismissed)
	den := float64(total) + p.Prior
	if num <= 0 || den <= 0 {
		return 0
	}
	return p.Scale * math.Sqrt(num/den)
}

// ShareTie reports whether two reason shares are equal for ordering a photo's reasons: within a
// relative 1e-9, since the same share summed in another order may differ in its last bits.
// Reasons of equal share follow the algorithm's reason order (AlgorithmInfo.Reasons).
func ShareTie(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}
