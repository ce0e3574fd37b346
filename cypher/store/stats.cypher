// name: stats
// purpose: Counts of what the graph holds: users, stored photos (those with an owner: one TOOK
//   edge each), FAVED edges and FOLLOWS edges, all read from Neo4j's count store.
// mode: read
// params: none
// returns: users, photos, faves, follows
// rows: 4 <= 4
RETURN COUNT { (:User) } AS users,
       COUNT { ()-[:TOOK]->() } AS photos,
       COUNT { ()-[:FAVED]->() } AS faves,
       COUNT { ()-[:FOLLOWS]->() } AS follows
