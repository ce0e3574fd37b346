// name: prune_follows
// purpose: First half of replacing a user's contacts: delete the FOLLOWS edges to anyone not in
//   $contacts (a list of NSIDs), creating the user if unknown.
// mode: write
// params: $nsid, $contacts
// returns: none
MERGE (u:User {nsid: $nsid})
WITH u
MATCH (u)-[f:FOLLOWS]->(c:User)
WHERE NOT c.nsid IN $contacts
DELETE f
