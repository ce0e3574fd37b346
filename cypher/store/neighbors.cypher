// name: neighbors
// purpose: A user's neighbors (owners of photos the user faved, the user excluded) with taken,
//   common, total and the Flexplore score NeighborScore(common, dismissed, total), ordered by
//   taken ($order 'taken') or score ($order 'score') descending, then NSID, at most $limit.
//   The neighbor list is built once (one row per fave), sorted by taken and, for 'taken', cut to
//   $limit before anything is counted; common and dismissed come from one pass over the favers of
//   the user's faves and dismissed photos (not one walk per neighbor), total is a degree lookup.
// mode: read
// params: $nsid, $order, $limit, $scale, $prior, $dismiss_weight
// returns: user, taken, common, total, score, pulled_at
// rows: 1 + 2*d(me) + 3*n(me) + co(me) + dis(me) <= 1000000
MATCH (me:User {nsid: $nsid})
CALL (me) {
  MATCH (me)-[:FAVED]->()<-[:TOOK]-(n:User)
  WHERE n <> me
  RETURN n, count(*) AS taken
}
WITH me, n, taken
ORDER BY taken DESC, n.nsid
WITH me, collect({n: n, taken: taken}) AS listed
WITH me, CASE $order WHEN 'taken' THEN listed[..$limit] ELSE listed END AS kept
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
WITH n, taken, common, COUNT { (n)-[:FAVED]->() } AS total,
     toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num
WITH n, taken, common, total, num, toFloat(total) + $prior AS den
WITH n, taken, common, total,
     CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS score
RETURN n {.nsid, .username, .realname, .icon_url} AS user,
       taken, common, total, score,
       n.last_pull_at AS pulled_at
ORDER BY CASE $order WHEN 'score' THEN score ELSE toFloat(taken) END DESC, user.nsid
LIMIT $limit
