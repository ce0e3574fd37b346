// name: recommend_users
// purpose: One page of photographer recommendations for $nsid under every algorithm: its
//   neighbors ranked by Flexplore score (zero included) minus its contacts and the users it
//   dismissed. Keyset paging: rows after ($after_score, $after_id) in score desc, NSID asc
//   order; $after_id null for page one. The neighbor list is built once (one row per fave);
//   common and dismissed come from one pass over the favers of the user's faves and dismissed
//   photos, total is a degree lookup, and only the neighbor list is sorted.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight, $after_score, $after_id, $limit
// returns: user, score, common, total
// rows: 1 + 2*d(me) + 4*n(me) + co(me) + dis(me) <= 1000000
MATCH (me:User {nsid: $nsid})
CALL (me) {
  MATCH (me)-[:FAVED]->()<-[:TOOK]-(n:User)
  WHERE n <> me
  RETURN DISTINCT n
}
WITH me, n
WHERE NOT EXISTS { (me)-[:FOLLOWS]->(n) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(n) }
WITH me, collect(n) AS ns
CALL (me, ns) {
  UNWIND ns AS v
  RETURN v, 0 AS common, 0 AS dismissed
  UNION ALL
  MATCH (me)-[:FAVED]->()<-[:FAVED]-(v)
  WHERE v IN ns
  RETURN v, 1 AS common, 0 AS dismissed
  UNION ALL
  MATCH (me)-[:DISMISSED_PHOTO]->()<-[:FAVED]-(v)
  WHERE v IN ns
  RETURN v, 0 AS common, 1 AS dismissed
}
WITH v AS n, sum(common) AS common, sum(dismissed) AS dismissed
WITH n, common, COUNT { (n)-[:FAVED]->() } AS total,
     toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num
WITH n, common, total, num, toFloat(total) + $prior AS den
WITH n, common, total,
     CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS score
WHERE $after_id IS NULL OR score < $after_score OR (score = $after_score AND n.nsid > $after_id)
RETURN n {.nsid, .username, .realname, .icon_url} AS user, score, common, total
ORDER BY score DESC, user.nsid
LIMIT $limit
