// name: rank_cofaver_faves
// purpose: rank_faves for the co-favers of ItemKNN and Blend, which walk through every co-faver
//   by definition (graph/algorithms.go): the same text, its own row budget. Each of $users (at
//   most 200 per call) with its faves as [photo id, owner NSID, faves]. Off the request path;
//   the rows bound is the whole load of one ranking, over all its calls.
// mode: read
// params: $users
// returns: nsid, photos
// rows: 2*cf(me) <= 50000000
UNWIND $users AS nsid
MATCH (v:User {nsid: nsid})
RETURN nsid,
       COLLECT {
         MATCH (v)-[:FAVED]->(p:Photo)<-[:TOOK]-(o:User)
         RETURN [p.id, o.nsid, coalesce(p.faves, 0)]
       } AS photos
