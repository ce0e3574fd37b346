// name: dismiss_user
// purpose: Record that a user dismissed another user (both created if unknown). Idempotent.
// mode: write
// params: $nsid, $target
// returns: none
MERGE (u:User {nsid: $nsid})
MERGE (t:User {nsid: $target})
MERGE (u)-[:DISMISSED_USER]->(t)
