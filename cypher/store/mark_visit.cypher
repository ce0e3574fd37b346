// name: mark_visit
// purpose: Record a visit of a user's recommendations at $at (Unix nanoseconds; the user is
//   created if unknown) and return the previous visit time, null if none.
// mode: write
// params: $nsid, $at
// returns: previous
MERGE (u:User {nsid: $nsid})
WITH u, u.last_visit_at AS previous
SET u.last_visit_at = $at
RETURN previous
