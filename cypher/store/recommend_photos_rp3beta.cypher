// name: recommend_photos_rp3beta
// purpose: NOT BOUNDED for the request path (its rows formula is the whole three-hop walk);
//   the formula omits its per-neighbor counts, n(me) walks of up to d(me) rows more; it is
//   replaced by stored rankings (issue 13.1). One page of RP3beta photo recommendations for $nsid (graph/algorithms.go): walks
//   $nsid -> q -> v -> p over FAVED edges (v not $nsid), each weighing 1/(deg(q) * |F(v)|), summed
//   per photo and divided by deg(p)^$beta, where deg counts a photo's favers. A user's walk weight
//   is summed in photo-ID order and a photo's in NSID order, so a score is the same on every page.
//   Excluded as in recommend_photos_flexplore; keyset paging as there (score desc, photo id asc).
//   why holds at most $why Flexplore neighbors {user, score} who faved the photo (weight as in
//   recommend_photos_flexplore, $scale, $prior, $dismiss_weight), score desc then NSID.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight, $beta, $after_score, $after_id, $limit, $why
// returns: photo, owner, score, why
// rows: 1 + 2*d(me) + n(me) + 2*co(me) + dis(me) + 2*nf(me) + 2*cf(me) <= 100000000
MATCH (me:User {nsid: $nsid})
CALL (me) {
  MATCH (me)-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
  WHERE n <> me
  WITH DISTINCT me, n
  WITH n,
       toFloat(COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) })
         - $dismiss_weight * toFloat(COUNT { (me)-[:DISMISSED_PHOTO]->(:Photo)<-[:FAVED]-(n) }) AS num,
       toFloat(COUNT { (n)-[:FAVED]->(:Photo) }) + $prior AS den
  WITH n, CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS flex
  WHERE flex > 0.0
  RETURN n AS v, flex, 0.0 AS walk
  UNION ALL
  MATCH (me)-[:FAVED]->(q:Photo)
  WITH me, q, 1.0 / toFloat(COUNT { (:User)-[:FAVED]->(q) }) AS step
  MATCH (q)<-[:FAVED]-(v:User)
  WHERE v <> me
  WITH v, q, step
  ORDER BY v.nsid, q.id
  WITH v, collect(step) AS steps
  RETURN v, 0.0 AS flex,
         reduce(total = 0.0, s IN steps | total + s) / toFloat(COUNT { (v)-[:FAVED]->(:Photo) }) AS walk
}
WITH me, v, sum(flex) AS flex, sum(walk) AS walk
MATCH (v)-[:FAVED]->(p:Photo)<-[:TOOK]-(o:User)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o, v, flex, walk
ORDER BY v.nsid
WITH p, o, collect(walk) AS walks, collect(CASE WHEN flex > 0.0 THEN {user: v, score: flex} END) AS contributors
WITH p, o, contributors,
     reduce(total = 0.0, w IN walks | total + w)
       / (toFloat(COUNT { (:User)-[:FAVED]->(p) }) ^ $beta) AS score
WHERE score > 0.0
  AND ($after_id IS NULL OR score < $after_score OR (score = $after_score AND p.id > $after_id))
WITH p, o, contributors, score
ORDER BY score DESC, p.id
LIMIT $limit
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       score,
       COLLECT {
         UNWIND contributors AS c
         WITH c.user AS n, c.score AS w
         ORDER BY w DESC, n.nsid
         LIMIT $why
         RETURN {user: n {.nsid, .username, .realname, .icon_url}, score: w}
       } AS why
ORDER BY score DESC, photo.id
