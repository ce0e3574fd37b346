// name: stats
// purpose: Counts of what the graph holds: users, stored photos (those with an owner), FAVED
//   edges and FOLLOWS edges.
// mode: read
// params: none
// returns: users, photos, faves, follows
RETURN COUNT { (:User) } AS users,
       COUNT { (p:Photo) WHERE EXISTS { (:User)-[:TOOK]->(p) } } AS photos,
       COUNT { ()-[:FAVED]->() } AS faves,
       COUNT { ()-[:FOLLOWS]->() } AS follows
