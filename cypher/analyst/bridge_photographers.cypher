// name: bridge_photographers
// purpose: Which photographers bridge two tastes: the owners of photos both $a and $b faved
//   (not necessarily the same photos), with how many of each one's faves they took, ranked by
//   the smaller of the two, at most 50. Bounded: the faves of $a and of $b, one owner each.
//   In Neo4j Browser:   :param a => '12037949754@N01'   :param b => '35034347371@N01'
// mode: read
// params: $a, $b
// returns: nsid, username, taken_by_a, taken_by_b
MATCH (:User {nsid: $a})-[:FAVED]->()<-[:TOOK]-(o:User)
WITH o, count(*) AS taken_by_a
MATCH (:User {nsid: $b})-[:FAVED]->()<-[:TOOK]-(o)
WITH o, taken_by_a, count(*) AS taken_by_b
RETURN o.nsid AS nsid, o.username AS username, taken_by_a, taken_by_b
ORDER BY CASE WHEN taken_by_a < taken_by_b THEN taken_by_a ELSE taken_by_b END DESC,
         taken_by_a + taken_by_b DESC, nsid
LIMIT 50
