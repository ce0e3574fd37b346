// name: recommend_photos_popularity
// purpose: One page of Popularity photo recommendations for $nsid (graph/algorithms.go): a
//   photo's score is its number of stored FAVED edges, from any user; no neighbor contributes,
//   so there is no why. Exclusions and keyset paging as in recommend_photos_flexplore.
// mode: read
// params: $nsid, $after_score, $after_id, $limit
// returns: photo, owner, score
MATCH (me:User {nsid: $nsid})
MATCH (o:User)-[:TOOK]->(p:Photo)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o, toFloat(COUNT { (:User)-[:FAVED]->(p) }) AS score
WHERE score > 0.0
  AND ($after_id IS NULL OR score < $after_score OR (score = $after_score AND p.id > $after_id))
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       score
ORDER BY score DESC, photo.id
LIMIT $limit
