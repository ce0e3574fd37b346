// name: closest_taste
// purpose: Whose taste is closest to mine: the users who faved the most of the photos $nsid
//   faved, as a cosine (common / sqrt(faves of $nsid * their faves)), with the common count, at
//   most 50. Bounded: one pass over the favers of $nsid's faves. In Neo4j Browser:
//   :param nsid => '12037949754@N01'
// mode: read
// params: $nsid
// returns: nsid, username, common, faves, cosine
MATCH (me:User {nsid: $nsid})
WITH me, COUNT { (me)-[:FAVED]->() } AS mine
MATCH (me)-[:FAVED]->()<-[:FAVED]-(v:User)
WHERE v <> me
WITH mine, v, count(*) AS common
WITH v, common, COUNT { (v)-[:FAVED]->() } AS faves, mine
RETURN v.nsid AS nsid, v.username AS username, common, faves,
       toFloat(common) / sqrt(toFloat(mine) * toFloat(faves)) AS cosine
ORDER BY cosine DESC, common DESC, nsid
LIMIT 50
