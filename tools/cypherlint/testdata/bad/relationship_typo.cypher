// name: relationship_typo
// purpose: A relationship type outside schema.json.
// mode: read
// params: $nsid
// returns: id
// expect: Relationship type FAVE is not present
MATCH (:User {nsid: $nsid})-[:FAVE]->(p:Photo)
RETURN p.id AS id
