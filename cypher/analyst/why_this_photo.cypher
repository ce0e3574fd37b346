// name: why_this_photo
// purpose: How photo $photo_id reached $nsid's page. One row per neighbor of $nsid who faved it
//   (at most 100), with the common and dismissed counts and Flexplore score that neighbor adds
//   (the photo's Flexplore score is the sum of the column), and on every row the photo's score
//   and stored reasons (JSON) in $nsid's stored ranking under $algorithm, null when that ranking
//   does not hold it. A photo no neighbor faved gives one row with a null neighbor. Bounded: the
//   photo's favers, each checked against $nsid's faves. In Neo4j Browser, with the configured
//   defaults (recommend.algorithm, recommend.scale, recommend.prior, recommend.dismiss_weight):
//   :param nsid => '12037949754@N01'   :param photo_id => '52890123456'
//   :param algorithm => 'hybrid'   :param scale => 150.0   :param prior => 250.0
//   :param dismiss_weight => 1.0
// mode: read
// params: $nsid, $photo_id, $algorithm, $scale, $prior, $dismiss_weight
// returns: neighbor, username, common, dismissed, total, flexplore_score, stored_score, stored_reasons
MATCH (me:User {nsid: $nsid})
MATCH (p:Photo {id: $photo_id})
OPTIONAL MATCH (:Ranking {key: $nsid + '/' + $algorithm})-[x:RANKS]->(p)
OPTIONAL MATCH (p)<-[:FAVED]-(n:User)
  WHERE n <> me AND EXISTS { (n)-[:TOOK]->()<-[:FAVED]-(me) }
WITH me, x, n,
     COUNT { (me)-[:FAVED]->()<-[:FAVED]-(n) } AS common,
     COUNT { (me)-[:DISMISSED_PHOTO]->()<-[:FAVED]-(n) } AS dismissed,
     COUNT { (n)-[:FAVED]->() } AS total
WITH x, n, common, dismissed, total,
     toFloat(common) - $dismiss_weight * toFloat(dismissed) AS num
RETURN n.nsid AS neighbor, n.username AS username, common, dismissed, total,
       CASE WHEN n IS NULL OR num <= 0.0 THEN 0.0
         ELSE $scale * sqrt(num / (toFloat(total) + $prior)) END AS flexplore_score,
       x.score AS stored_score,
       x.reasons AS stored_reasons
ORDER BY flexplore_score DESC, neighbor
LIMIT 100
