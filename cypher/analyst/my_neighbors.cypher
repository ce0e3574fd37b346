// name: my_neighbors
// purpose: My neighbors: the photographers whose photos $nsid faved, with how many of those
//   favorites each took, the favorites we share, their stored favorites and their Flexplore score
//   150 * sqrt(common / (total + 250)) (dismissals ignored here), best first. In Neo4j Browser:
//   :param nsid => '12037949754@N01'   then run this file.
// mode: read
// params: $nsid
// returns: nsid, username, taken, common, total, score
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH me, n, count(*) AS taken
WITH n, taken,
     COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) } AS common,
     COUNT { (n)-[:FAVED]->(:Photo) } AS total
RETURN n.nsid AS nsid, n.username AS username, taken, common, total,
       150.0 * sqrt(toFloat(common) / (toFloat(total) + 250.0)) AS score
ORDER BY score DESC, taken DESC, nsid
LIMIT 100
