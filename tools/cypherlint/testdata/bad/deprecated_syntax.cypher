// name: deprecated_syntax
// purpose: An importing WITH in CALL, deprecated in favour of a variable scope clause.
// mode: read
// params: $nsid
// returns: faves
// expect: deprecated
MATCH (u:User {nsid: $nsid})
CALL {
  WITH u
  MATCH (u)-[:FAVED]->(p:Photo)
  RETURN count(p) AS faves
}
RETURN faves
