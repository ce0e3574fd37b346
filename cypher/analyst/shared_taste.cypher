// name: shared_taste
// purpose: Shared taste between two users $a and $b: the photos both faved, newest fave of $a
//   first (unknown fave times last), with their owners and when each of the two faved them as
//   datetimes (null when the time is unknown), at most 200. Bounded: the faves of $a, each
//   checked against $b. In Neo4j Browser:
//   :param a => '12037949754@N01'   :param b => '35034347371@N01'
// mode: read
// params: $a, $b
// returns: photo, title, owner, a_faved_at, b_faved_at
MATCH (:User {nsid: $a})-[fa:FAVED]->(p:Photo)<-[fb:FAVED]-(:User {nsid: $b})
OPTIONAL MATCH (o:User)-[:TOOK]->(p)
RETURN p.id AS photo, p.title AS title, o.nsid AS owner,
       CASE WHEN fa.faved_at IS NULL THEN null ELSE datetime({epochMillis: fa.faved_at / 1000000}) END AS a_faved_at,
       CASE WHEN fb.faved_at IS NULL THEN null ELSE datetime({epochMillis: fb.faved_at / 1000000}) END AS b_faved_at
ORDER BY fa.faved_at IS NULL, fa.faved_at DESC, photo
LIMIT 200
