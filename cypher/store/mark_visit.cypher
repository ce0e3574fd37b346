// name: mark_visit
// purpose: Record a visit of a user's recommendations at $at (Unix nanoseconds; the user is
//   created if unknown) and return the previous visit time, null if none. Setting the lock
//   property first takes the node's write lock, so two visits at once each see the other's
//   time or none, never the same previous value.
// mode: write
// params: $nsid, $at
// returns: previous
MERGE (u:User {nsid: $nsid})
SET u.lock = true
WITH u
WITH u, u.last_visit_at AS previous
SET u.last_visit_at = $at
REMOVE u.lock
RETURN previous
