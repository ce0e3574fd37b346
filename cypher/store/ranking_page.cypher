// name: ranking_page
// purpose: One page of a stored ranking (store_ranking) for $nsid: the items after ($after_score,
//   $after_id) in score desc, photo id asc order ($after_id null for page one), at most $limit,
//   leaving out what changed since it was computed: photos $nsid faved or dismissed since, and
//   photos whose owner it dismissed since. reasons is the stored JSON.
// mode: read
// params: $key, $nsid, $after_score, $after_id, $limit
// returns: photo, owner, score, reasons
// rows: 2 + 2*ranked <= 4002
MATCH (me:User {nsid: $nsid})
MATCH (r:Ranking {key: $key})-[x:RANKS]->(p:Photo)<-[:TOOK]-(o:User)
WHERE ($after_id IS NULL OR x.score < $after_score OR (x.score = $after_score AND p.id > $after_id))
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       x.score AS score,
       x.reasons AS reasons
ORDER BY score DESC, photo.id
LIMIT $limit
