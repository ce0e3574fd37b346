// name: recommend_photos_flexplore
// purpose: One page of Flexplore photo recommendations for $nsid (graph/score.go), computed live:
//   what a member without a stored ranking gets. A neighbor's weight is NeighborScore(common,
//   dismissed, total), common and dismissed from one pass over the favers of $nsid's faves and
//   dismissed photos, total a degree lookup; a photo's score is the sum of the weights of the
//   neighbors who faved it, summed in ascending order of the weights (each photo's few weights are
//   sorted, never the expanded rows), so a score is the same on every page whatever order the
//   planner expands in. Excluded: photos $nsid faved, its own photos, dismissed photos, photos
//   whose owner it dismissed, score 0. Keyset paging: rows after ($after_score, $after_id) in
//   score desc, photo id asc order; $after_id null for page one. why holds at most $why
//   contributions {user, score}, score desc then NSID.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight, $after_score, $after_id, $limit, $why
// returns: photo, owner, score, why
// rows: 1 + 2*d(me) + 3*n(me) + co(me) + dis(me) + 2*nf(me) <= 3000000
MATCH (me:User {nsid: $nsid})
CALL (me) {
  MATCH (me)-[:FAVED]->()<-[:TOOK]-(n:User)
  WHERE n <> me
  RETURN DISTINCT n
}
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
WITH me, v AS n, sum(common) AS common, sum(dismissed) AS dismissed
WITH me, n, toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num,
     toFloat(COUNT { (n)-[:FAVED]->() }) + $prior AS den
WITH me, n, CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS weight
WHERE weight > 0.0
MATCH (n)-[:FAVED]->(p:Photo)<-[:TOOK]-(o:User)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o, collect(n) AS contributors, collect(weight) AS weights
WITH p, o, contributors, weights,
     reduce(total = 0.0, w IN COLLECT { UNWIND weights AS x RETURN x ORDER BY x } | total + w) AS score
WHERE score > 0.0
  AND ($after_id IS NULL OR score < $after_score OR (score = $after_score AND p.id > $after_id))
WITH p, o, contributors, weights, score
ORDER BY score DESC, p.id
LIMIT $limit
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       score,
       COLLECT {
         UNWIND range(0, size(contributors) - 1) AS i
         WITH contributors[i] AS c, weights[i] AS w
         ORDER BY w DESC, c.nsid
         LIMIT $why
         RETURN {user: c {.nsid, .username, .realname, .icon_url}, score: w}
       } AS why
ORDER BY score DESC, photo.id
