// name: my_neighbors
// purpose: My neighbors: the photographers whose photos $nsid faved, with how many of those
//   favorites each took, the favorites we share, the photos
//   $nsid dismissed that they faved, their stored favorites and their Flexplore score, best first,
//   at most 100: what the app's Neighbors shows. Bounded as the store's neighbors statement: one
//   pass over the favers of $nsid's faves and dismissed photos. In Neo4j Browser, with the
//   configured defaults (recommend.scale, recommend.prior, recommend.dismiss_weight):
//   :param nsid => '12037949754@N01'   :param scale => 150.0   :param prior => 250.0
//   :param dismiss_weight => 1.0
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight
// returns: nsid, username, taken, common, dismissed, total, score
MATCH (me:User {nsid: $nsid})
CALL (me) {
  MATCH (me)-[:FAVED]->()<-[:TOOK]-(n:User)
  WHERE n <> me
  RETURN n, count(*) AS taken
}
WITH me, collect({n: n, taken: taken}) AS kept
WITH me, kept, [k IN kept | k.n] AS ns
CALL (me, kept, ns) {
  UNWIND kept AS k
  RETURN k.n AS v, k.taken AS taken, 0 AS common, 0 AS dismissed
  UNION ALL
  MATCH (me)-[:FAVED]->()<-[:FAVED]-(v)
  WHERE v IN ns
  RETURN v, 0 AS taken, 1 AS common, 0 AS dismissed
  UNION ALL
  MATCH (me)-[:DISMISSED_PHOTO]->()<-[:FAVED]-(v)
  WHERE v IN ns
  RETURN v, 0 AS taken, 0 AS common, 1 AS dismissed
}
WITH v AS n, sum(taken) AS taken, sum(common) AS common, sum(dismissed) AS dismissed
WITH n, taken, common, dismissed, COUNT { (n)-[:FAVED]->() } AS total
WITH n, taken, common, dismissed, total, toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num
RETURN n.nsid AS nsid, n.username AS username, taken, common, dismissed, total,
       CASE WHEN num > 0.0 THEN $scale * sqrt(num / (toFloat(total) + $prior)) ELSE 0.0 END AS score
ORDER BY score DESC, taken DESC, nsid
LIMIT 100
