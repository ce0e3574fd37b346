// name: common_faves
// purpose: Photos faved by both $a and $b, newest fave of $a first (unknown fave times last),
//   then photo ID, at most $limit; owner is the photo owner's NSID.
// mode: read
// params: $a, $b, $limit
// returns: photo, owner
MATCH (:User {nsid: $a})-[fa:FAVED]->(p:Photo)<-[:FAVED]-(:User {nsid: $b})
OPTIONAL MATCH (o:User)-[:TOOK]->(p)
WITH p, fa, head(collect(o.nsid)) AS owner
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .added_at} AS photo,
       owner
ORDER BY fa.faved_at IS NULL, fa.faved_at DESC, p.id
LIMIT $limit
