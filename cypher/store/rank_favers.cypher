// name: rank_favers
// purpose: Every faver of each of $photos (at most 200 IDs per call) as [NSID, the faver's fave
//   count, a degree lookup]: the walk's first step from a member's faved and dismissed photos,
//   the favers of a ranking's photos (their reasons), and more-like-this's favers of the seed
//   (hood.go). Photos nobody faves have an empty list. The rows bound is one ranking's whole
//   load: the member's faved and dismissed photos, then the favers of its ranked photos.
// mode: read
// params: $photos
// returns: id, favers
// rows: co(me) + dis(me) + topdeg <= 2000000
UNWIND $photos AS id
MATCH (q:Photo {id: id})
RETURN id, COLLECT { MATCH (q)<-[:FAVED]-(v:User) RETURN [v.nsid, COUNT { (v)-[:FAVED]->() }] } AS favers
