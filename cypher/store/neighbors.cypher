// name: neighbors
// purpose: A user's neighbors (owners of photos the user faved, the user excluded) with taken,
//   common, total and the Flexplore score NeighborScore(common, dismissed, total), ordered by
//   taken ($order 'taken') or score ($order 'score') descending, then NSID, at most $limit.
// mode: read
// params: $nsid, $order, $limit, $scale, $prior, $dismiss_weight
// returns: user, taken, common, total, score, pulled_at
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH me, n, count(*) AS taken
WITH me, n, taken,
     COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) } AS common,
     COUNT { (me)-[:DISMISSED_PHOTO]->(:Photo)<-[:FAVED]-(n) } AS dismissed,
     COUNT { (n)-[:FAVED]->(:Photo) } AS total
WITH n, taken, common, total,
     toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num,
     toFloat(total) + $prior AS den
WITH n, taken, common, total,
     CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS score
RETURN n {.nsid, .username, .realname, .icon_url} AS user,
       taken, common, total, score,
       n.last_pull_at AS pulled_at
ORDER BY CASE $order WHEN 'score' THEN score ELSE toFloat(taken) END DESC, n.nsid
LIMIT $limit
