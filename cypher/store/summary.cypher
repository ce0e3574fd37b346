// name: summary
// purpose: Counts describing one user for the API (the pull state comes from pull_state); no row
//   when the user is unknown. neighbors: distinct owners of photos the user faved, the user
//   excluded; pulled: those neighbors with a finished pull; dismissals: dismissed photos plus
//   dismissed users. The counts of the user's own edges are degree lookups.
// mode: read
// params: $nsid
// returns: user, faves, neighbors, pulled, contacts, dismissals
// rows: 1 + 2*d(me) <= 20000
MATCH (u:User {nsid: $nsid})
OPTIONAL MATCH (u)-[:FAVED]->()<-[:TOOK]-(n:User)
  WHERE n <> u
WITH u, collect(DISTINCT n) AS neighbors
RETURN u {.nsid, .username, .realname, .icon_url} AS user,
       COUNT { (u)-[:FAVED]->() } AS faves,
       size(neighbors) AS neighbors,
       size([n IN neighbors WHERE n.last_pull_at IS NOT NULL]) AS pulled,
       COUNT { (u)-[:FOLLOWS]->() } AS contacts,
       COUNT { (u)-[:DISMISSED_PHOTO]->() } + COUNT { (u)-[:DISMISSED_USER]->() } AS dismissals
