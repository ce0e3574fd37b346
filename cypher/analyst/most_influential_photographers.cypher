// name: most_influential_photographers
// purpose: The most influential photographers in the whole graph: owners ranked by how many
//   distinct users faved their photos, with their photo count and total favorites received.
//   It scans every TOOK and FAVED edge: run it on a quiet database.
// mode: read
// params: none
// returns: nsid, username, fans, photos, faves
MATCH (o:User)-[:TOOK]->(p:Photo)<-[:FAVED]-(f:User)
WITH o, count(DISTINCT f) AS fans, count(DISTINCT p) AS photos, count(*) AS faves
RETURN o.nsid AS nsid, o.username AS username, fans, photos, faves
ORDER BY fans DESC, faves DESC, nsid
LIMIT 50
