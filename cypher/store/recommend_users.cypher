// name: recommend_users
// purpose: One page of photographer recommendations for $nsid under every algorithm: its
//   neighbors ranked by Flexplore score (zero included) minus its contacts and the users it
//   dismissed. Keyset paging: rows after ($after_score, $after_id) in score desc, NSID asc
//   order; $after_id null for page one.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight, $after_score, $after_id, $limit
// returns: user, score, common, total
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH DISTINCT me, n
WHERE NOT EXISTS { (me)-[:FOLLOWS]->(n) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(n) }
WITH me, n,
     COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) } AS common,
     COUNT { (me)-[:DISMISSED_PHOTO]->(:Photo)<-[:FAVED]-(n) } AS dismissed,
     COUNT { (n)-[:FAVED]->(:Photo) } AS total
WITH n, common, total,
     toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num,
     toFloat(total) + $prior AS den
WITH n, common, total,
     CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS score
WHERE $after_id IS NULL OR score < $after_score OR (score = $after_score AND n.nsid > $after_id)
RETURN n {.nsid, .username, .realname, .icon_url} AS user, score, common, total
ORDER BY score DESC, user.nsid
LIMIT $limit
