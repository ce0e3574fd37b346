// name: my_ranking
// purpose: What $nsid's page shows under $algorithm, as stored by the ranking task: the first 50
//   photos of the stored ranking with score, owner and reasons (JSON), and when it was computed.
//   No rows when nothing is stored yet (the app then serves Flexplore live; Flexplore and
//   Popularity are never stored). Bounded: the stored ranking's items (neo4j.ranking_size). In
//   Neo4j Browser:   :param nsid => '12037949754@N01'   :param algorithm => 'hybrid'
// mode: read
// params: $nsid, $algorithm
// returns: photo, title, owner, score, reasons, computed_at
MATCH (r:Ranking {key: $nsid + '/' + $algorithm})-[x:RANKS]->(p:Photo)<-[:TOOK]-(o:User)
RETURN p.id AS photo, p.title AS title, o.nsid AS owner, x.score AS score, x.reasons AS reasons,
       datetime({epochMillis: r.computed_at / 1000000}) AS computed_at
ORDER BY score DESC, photo
LIMIT 50
