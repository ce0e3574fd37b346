// name: stale_neighbors
// purpose: Which of $nsid's neighbors have not been pulled since $before (Unix nanoseconds; never
//   pulled first): whose favorites the rankings of $nsid may be missing. With how many of
//   $nsid's faves each took, most first, at most 100. Bounded: the faves of $nsid, one owner
//   each. In Neo4j Browser:   :param nsid => '12037949754@N01'
//   :param before => (datetime() - duration('P7D')).epochMillis * 1000000
// mode: read
// params: $nsid, $before
// returns: nsid, username, taken, last_pull_at
MATCH (me:User {nsid: $nsid})-[:FAVED]->()<-[:TOOK]-(n:User)
WHERE n <> me AND (n.last_pull_at IS NULL OR n.last_pull_at < $before)
WITH n, count(*) AS taken
RETURN n.nsid AS nsid, n.username AS username, taken,
       CASE WHEN n.last_pull_at IS NULL THEN null ELSE datetime({epochMillis: n.last_pull_at / 1000000}) END AS last_pull_at
ORDER BY last_pull_at IS NOT NULL, taken DESC, nsid
LIMIT 100
