// name: why_this_photo
// purpose: Why photo $photo_id is recommended to $nsid: each neighbor of $nsid who faved it,
//   with that neighbor's Flexplore score (the photo's score is the sum of the column), strongest
//   first. In Neo4j Browser:   :param nsid => '12037949754@N01'   :param photo_id => '52890123456'
// mode: read
// params: $nsid, $photo_id
// returns: neighbor, username, common, total, score
MATCH (me:User {nsid: $nsid})-[:FAVED]->(:Photo)<-[:TOOK]-(n:User)
WHERE n <> me
WITH DISTINCT me, n
MATCH (n)-[:FAVED]->(:Photo {id: $photo_id})
WITH n,
     COUNT { (me)-[:FAVED]->(:Photo)<-[:FAVED]-(n) } AS common,
     COUNT { (n)-[:FAVED]->(:Photo) } AS total
RETURN n.nsid AS neighbor, n.username AS username, common, total,
       150.0 * sqrt(toFloat(common) / (toFloat(total) + 250.0)) AS score
ORDER BY score DESC, neighbor
