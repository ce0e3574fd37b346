// name: shared_taste
// purpose: Shared taste between two users $a and $b: the photos both faved (newest first), with
//   their owners and when each of the two faved them (Unix nanoseconds shown as datetimes).
//   In Neo4j Browser:   :param a => '12037949754@N01'   :param b => '35034347371@N01'
// mode: read
// params: $a, $b
// returns: photo, title, owner, a_faved_at, b_faved_at
MATCH (:User {nsid: $a})-[fa:FAVED]->(p:Photo)<-[fb:FAVED]-(:User {nsid: $b})
OPTIONAL MATCH (o:User)-[:TOOK]->(p)
RETURN p.id AS photo, p.title AS title, o.nsid AS owner,
       datetime({epochMillis: fa.faved_at / 1000000}) AS a_faved_at,
       datetime({epochMillis: fb.faved_at / 1000000}) AS b_faved_at
ORDER BY fa.faved_at DESC, photo
LIMIT 200
