// name: read_with_params
// purpose: A read that passes: every parameter declared and used, vocabulary from schema.json,
//   and a continuation line in the purpose.
// mode: read
// params: $nsid, $limit
// returns: id, faved_at
// rows: 1 + d(me) <= 10000
MATCH (:User {nsid: $nsid})-[f:FAVED]->(p:Photo)
RETURN p.id AS id, f.faved_at AS faved_at
ORDER BY faved_at DESC
LIMIT $limit
