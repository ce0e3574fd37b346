// name: ranking_state
// purpose: When the stored ranking of $key (nsid + '/' + algorithm) was computed (Unix
//   nanoseconds); no row when there is none.
// mode: read
// params: $key
// returns: computed_at
// rows: 1 <= 1
MATCH (r:Ranking {key: $key})
RETURN r.computed_at AS computed_at
