// name: rank_faves
// purpose: The faves of each of $users (at most 200 per call) as [photo id, owner NSID, faves]:
//   how a ranking loads its member's faves, those of the strongest co-favers the walk goes on
//   through (graph.WalkParams.Users and a margin: Hybrid, RP3Beta), and its neighbors' (Blend)
//   and contacts' (Hybrid, Follows) (hood.go). Unknown users have no row. Off the request path;
//   the rows bound is the whole load of one ranking, over all its calls.
// mode: read
// params: $users
// returns: nsid, photos
// rows: 2*d(me) + 2*nf(me) + 2*sf(me) + 2*cnf(me) <= 10000000
UNWIND $users AS nsid
MATCH (v:User {nsid: nsid})
RETURN nsid,
       COLLECT {
         MATCH (v)-[:FAVED]->(p:Photo)<-[:TOOK]-(o:User)
         RETURN [p.id, o.nsid, coalesce(p.faves, 0)]
       } AS photos
