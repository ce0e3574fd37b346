// name: neighbor_weights
// purpose: The neighbors of $nsid with a positive Flexplore weight NeighborScore(common,
//   dismissed, total), by NSID: the contributors that explain a photo under any algorithm.
// mode: read
// params: $nsid, $scale, $prior, $dismiss_weight
// returns: nsid, weight
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH DISTINCT me, n
WITH n,
     toFloat(COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) })
       - $dismiss_weight * toFloat(COUNT { (me)-[:DISMISSED_PHOTO]->(:Photo)<-[:FAVED]-(n) }) AS num,
     toFloat(COUNT { (n)-[:FAVED]->(:Photo) }) + $prior AS den
WITH n, CASE WHEN num > 0.0 AND den > 0.0 THEN $scale * sqrt(num / den) ELSE 0.0 END AS weight
WHERE weight > 0.0
RETURN n.nsid AS nsid, weight
ORDER BY nsid
