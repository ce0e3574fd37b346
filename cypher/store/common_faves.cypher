// name: common_faves
// purpose: Photos faved by both $a and $b ($a = $b lists the faves of $a), newest fave of $a
//   first, unknown fave times last, then photo ID, at most $limit; owner is the owner's NSID.
//   $a is me in the rows formula.
// mode: read
// params: $a, $b, $limit
// returns: photo, owner
// rows: 2 + 2*d(me) <= 20000
MATCH (:User {nsid: $a})-[fa:FAVED]->(p:Photo)
WHERE $a = $b OR EXISTS { (:User {nsid: $b})-[:FAVED]->(p) }
OPTIONAL MATCH (o:User)-[:TOOK]->(p)
WITH p, fa, o.nsid AS owner
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       owner
ORDER BY fa.faved_at IS NULL, fa.faved_at DESC, photo.id
LIMIT $limit
