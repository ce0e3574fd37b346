// name: pull_state
// purpose: The pull bookkeeping of one user; no row when the user is unknown.
//   Times are Unix nanoseconds or null; newest_fave_at is the newest stored faved_at.
// mode: read
// params: $nsid
// returns: last_pull_at, last_full_pull_at, newest_fave_at, registered
// rows: 1 + d(me) <= 10000
MATCH (u:User {nsid: $nsid})
OPTIONAL MATCH (u)-[f:FAVED]->()
RETURN u.last_pull_at AS last_pull_at,
       u.last_full_pull_at AS last_full_pull_at,
       max(f.faved_at) AS newest_fave_at,
       coalesce(u.registered, false) AS registered
