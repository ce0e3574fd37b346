// name: contacts_recent_faves
// purpose: What the people $nsid follows faved lately: their faves since $since (Unix
//   nanoseconds), newest first, with the photo's owner, at most 100. Bounded: the faves of
//   $nsid's contacts. In Neo4j Browser:   :param nsid => '12037949754@N01'
//   :param since => (datetime() - duration('P30D')).epochMillis * 1000000
// mode: read
// params: $nsid, $since
// returns: contact, photo, title, owner, faved_at
MATCH (:User {nsid: $nsid})-[:FOLLOWS]->(c:User)-[f:FAVED]->(p:Photo)
WHERE f.faved_at >= $since
OPTIONAL MATCH (o:User)-[:TOOK]->(p)
RETURN c.nsid AS contact, p.id AS photo, p.title AS title, o.nsid AS owner,
       datetime({epochMillis: f.faved_at / 1000000}) AS faved_at
ORDER BY faved_at DESC, contact, photo
LIMIT 100
