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
