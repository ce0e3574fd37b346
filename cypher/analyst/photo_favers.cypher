// name: photo_favers
// purpose: Who faved photo $photo_id, when (null when unknown), and whether each is one of
//   $nsid's neighbors (took a photo $nsid faved) or contacts, newest first, at most 200.
//   Bounded: the photo's favers, each checked against $nsid. In Neo4j Browser:
//   :param photo_id => '52890123456'   :param nsid => '12037949754@N01'
// mode: read
// params: $photo_id, $nsid
// returns: nsid, username, faved_at, neighbor, contact
MATCH (me:User {nsid: $nsid})
MATCH (:Photo {id: $photo_id})<-[f:FAVED]-(v:User)
RETURN v.nsid AS nsid, v.username AS username,
       CASE WHEN f.faved_at IS NULL THEN null ELSE datetime({epochMillis: f.faved_at / 1000000}) END AS faved_at,
       EXISTS { (v)-[:TOOK]->()<-[:FAVED]-(me) } AS neighbor,
       EXISTS { (me)-[:FOLLOWS]->(v) } AS contact
ORDER BY f.faved_at IS NULL, f.faved_at DESC, nsid
LIMIT 200
