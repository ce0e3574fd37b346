// name: ranking_algorithms
// purpose: The algorithms of the stored rankings among $keys (nsid + '/' + algorithm, one per
//   stored algorithm): which rankings of a member a refresh recomputes.
// mode: read
// params: $keys
// returns: algorithm
// rows: 8 <= 8
UNWIND $keys AS key
MATCH (r:Ranking {key: key})
RETURN r.algorithm AS algorithm
