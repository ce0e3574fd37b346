// name: recommend_photos_popularity
// purpose: One page of Popularity photo recommendations for $nsid (graph/algorithms.go): a
//   photo's score is its number of stored FAVED edges, from any user. Exclusions and keyset
//   paging as in recommend_photos_flexplore. $contributors is neighbor_weights as a list of
//   {nsid, weight}; why holds at most $why of those who faved the photo, weight desc then NSID.
// mode: read
// params: $nsid, $contributors, $after_score, $after_id, $limit, $why
// returns: photo, owner, score, why
MATCH (me:User {nsid: $nsid})
MATCH (o:User)-[:TOOK]->(p:Photo)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o, toFloat(COUNT { (:User)-[:FAVED]->(p) }) AS score
WHERE score > 0.0
  AND ($after_id IS NULL OR score < $after_score OR (score = $after_score AND p.id > $after_id))
WITH p, o, score
ORDER BY score DESC, p.id
LIMIT $limit
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       score,
       COLLECT {
         UNWIND $contributors AS c
         MATCH (n:User {nsid: c.nsid})-[:FAVED]->(p)
         WITH n, c.weight AS w
         ORDER BY w DESC, n.nsid
         LIMIT $why
         RETURN {user: n {.nsid, .username, .realname, .icon_url}, score: w}
       } AS why
ORDER BY score DESC, photo.id
