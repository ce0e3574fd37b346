// name: most_influential_photographers
// purpose: The photographers whose photos were faved most in the whole graph: the 50 owners with
//   the most FAVED edges on their photos (the sum of the maintained Photo.faves), with their
//   photo count, then, for those 50 only, how many distinct users faved them (fans). Reads every
//   TOOK edge once and no FAVED edge but the 50 owners' (it used to count DISTINCT over every
//   FAVED edge of the graph).
// mode: read
// params: none
// returns: nsid, username, faves, photos, fans
MATCH (o:User)-[:TOOK]->(p:Photo)
WITH o, sum(coalesce(p.faves, 0)) AS faves, count(p) AS photos
ORDER BY faves DESC, o.nsid
LIMIT 50
RETURN o.nsid AS nsid, o.username AS username, faves, photos,
       COUNT { MATCH (o)-[:TOOK]->()<-[:FAVED]-(f:User) RETURN DISTINCT f } AS fans
ORDER BY faves DESC, nsid
