// name: recommend_photos_flexplore
// purpose: One page of Flexplore photo recommendations for $nsid (graph/score.go). A neighbor's
//   weight is NeighborScore(common, dismissed, total); a photo's score is the sum of the weights
//   of the neighbors who faved it, summed in NSID order. Excluded: photos $nsid faved, its own
//   photos, dismissed photos, photos whose owner it dismissed, score 0. Keyset paging: rows after
//   ($after_score, $after_id) in score desc, photo id asc order; $after_id null for page one.
//   why holds at most $why contributions {user, score}, score desc then NSID.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight, $after_score, $after_id, $limit, $why
// returns: photo, owner, score, why
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH DISTINCT me, n
WITH me, n,
     toFloat(COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) })
       - $dismiss_weight * toFloat(COUNT { (me)-[:DISMISSED_PHOTO]->(:Photo)<-[:FAVED]-(n) }) AS num,
     toFloat(COUNT { (n)-[:FAVED]->(:Photo) }) + $prior AS den
WITH me, n, CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS weight
WHERE weight > 0.0
MATCH (n)-[:FAVED]->(p:Photo)<-[:TOOK]-(o:User)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o, n, weight
ORDER BY n.nsid
WITH p, o, collect(n) AS contributors, collect(weight) AS weights
WITH p, o, contributors, weights, reduce(total = 0.0, w IN weights | total + w) AS score
WHERE score > 0.0
  AND ($after_id IS NULL OR score < $after_score OR (score = $after_score AND p.id > $after_id))
WITH p, o, contributors, weights, score
ORDER BY score DESC, p.id
LIMIT $limit
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .added_at} AS photo,
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
