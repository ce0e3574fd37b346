// name: rank_favers
// purpose: The distinct users who fave any of $photos (at most 200 IDs per call): a ranking's
//   co-favers, from its member's faved and dismissed photos, and more-like-this's favers of the
//   seed (hood.go). Off the request path for rankings; the rows bound is the whole load.
// mode: read
// params: $photos
// returns: nsid
// rows: co(me) + dis(me) <= 1000000
UNWIND $photos AS id
MATCH (:Photo {id: id})<-[:FAVED]-(v:User)
RETURN DISTINCT v.nsid AS nsid
