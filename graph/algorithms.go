package graph

// The Popularity algorithm, shared by every backend (graphtest holds them to it):
//
//   - photo score: the number of stored FAVED edges of the photo, from any user.
//   - excluded, as for Flexplore: photos U faved, U's own photos, dismissed photos, photos whose
//     owner U dismissed, and score 0 (photos nobody faves any more).
//   - PhotoRec.Why is empty: no neighbor contributes.
//
// Under every algorithm:
//
//   - PhotoRec.Why lists the neighbors with a positive score who faved the photo, strongest first
//     (score desc, NSID asc), at most RecOptions.Why.
//   - RecommendUsers ranks neighbors by their Flexplore score whatever RecOptions.Algorithm says
//     (it must still name a known algorithm).
//   - FAVED-edge times (Fave.FavedAt, PullState.NewestFaveAt) have one-second resolution.
//   - Writes that name a user create it (as MERGE would), so Register, PutToken, SetContacts and
//     the dismissals of a user the store has not seen yet succeed. RemoveFave and DeleteToken
//     create nothing. Dismissing a photo the store has not seen is allowed; it applies once the
//     photo arrives.
//   - Re-adding a FAVED edge keeps it once; a known FavedAt replaces the stored one, a zero one
//     never erases it.

// The ItemKNN, RP3Beta and Blend algorithms (both backends rank with them; eval compares them;
// Blend is the configured default, see docs/evaluation.md). U is the user ranked for, F(x) the photos x faved, deg(p) the number of users who fave p
// (U included), and every sum runs over the stored graph:
//
//   - ItemKNN, item-based cosine on co-faves: sim(q, p) = |favers(q) ∩ favers(p)| /
//     sqrt(deg(q) * deg(p)); score(p) = sum of sim(q, p) over q in F(U). All neighbors are kept
//     (no per-item top-k).
//   - RP3Beta, a three-step random walk U -> photo -> user -> photo with a popularity penalty:
//     score(p) = (sum over q in F(U), v in favers(q) ∩ favers(p) of 1 / (deg(q) * |F(v)|))
//     / deg(p)^RP3BetaBeta. The constant first step 1/|F(U)| is left out.
//   - Blend: score(p) = BlendWeight * flex(p) / max flex + (1 - BlendWeight) * rp3(p) / max rp3,
//     where flex is the Flexplore photo score, rp3 the RP3Beta score, and each max is taken over
//     the photos U may be recommended (a term whose max is 0 is 0).
//   - Excluded, as for Flexplore: photos U faved, U's own photos, dismissed photos, photos whose
//     owner U dismissed, and score 0. Dismissals weigh only through exclusion (and, in Blend,
//     through the Flexplore term).
//   - PhotoRec.Why lists the neighbors with a positive Flexplore score who faved the photo, as
//     under every algorithm; it may be empty when the walk reached the photo another way.

// RP3BetaBeta is the popularity penalty exponent of RP3Beta: 0 ranks by walk probability alone,
// 1 divides it by the photo's whole fave count.
const RP3BetaBeta = 0.5

// BlendWeight is the Flexplore share of Blend, in [0, 1]. 0.1 keeps RP3Beta's hit rate on the
// simulated world (a larger share lowers it) while more recommendations come with a Why; see
// docs/evaluation.md.
const BlendWeight = 0.1
