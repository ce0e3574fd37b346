// name: rank_took
// purpose: The photos each of $users (at most 200 per call) took, as [photo id, faves]: the
//   candidates of the owner and follow terms of a ranking (hood.go). Users that are unknown have
//   no row. Off the request path; the rows bound is the whole load of one ranking.
// mode: read
// params: $users
// returns: nsid, photos
// rows: nt(me) + ct(me) <= 1000000
UNWIND $users AS nsid
MATCH (o:User {nsid: nsid})
RETURN nsid, COLLECT { MATCH (o)-[:TOOK]->(p:Photo) RETURN [p.id, coalesce(p.faves, 0)] } AS photos
