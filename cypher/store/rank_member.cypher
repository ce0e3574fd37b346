// name: rank_member
// purpose: What a member's own node holds for a ranking (graph/neo4j hood.go), beyond its faves:
//   its dismissed photos as [id, owner NSID or null, faves], the users it dismissed, its contacts
//   and those contacts who follow it back. No row when the member is unknown. Off the request
//   path (the ranking task).
// mode: read
// params: $nsid
// returns: dismissed_photos, dismissed_users, contacts, followers
// rows: 1 + 2*dp(me) + du(me) + 3*c(me) <= 100000
MATCH (me:User {nsid: $nsid})
RETURN COLLECT {
         MATCH (me)-[:DISMISSED_PHOTO]->(p:Photo)
         OPTIONAL MATCH (o:User)-[:TOOK]->(p)
         RETURN [p.id, o.nsid, coalesce(p.faves, 0)]
       } AS dismissed_photos,
       COLLECT { MATCH (me)-[:DISMISSED_USER]->(x:User) RETURN x.nsid } AS dismissed_users,
       COLLECT { MATCH (me)-[:FOLLOWS]->(c:User) RETURN c.nsid } AS contacts,
       COLLECT { MATCH (me)-[:FOLLOWS]->(c:User)-[:FOLLOWS]->(me) RETURN c.nsid } AS followers
