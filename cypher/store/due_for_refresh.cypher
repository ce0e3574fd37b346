// name: due_for_refresh
// purpose: Registered users whose last pull ended before $older_than (Unix nanoseconds): never
//   pulled first, then oldest pull first, then by NSID, at most $limit.
// mode: read
// params: $older_than, $limit
// returns: nsid
// rows: reg <= 1000000
MATCH (u:User)
WHERE u.registered = true
  AND (u.last_pull_at IS NULL OR u.last_pull_at < $older_than)
RETURN u.nsid AS nsid
ORDER BY u.last_pull_at IS NOT NULL, u.last_pull_at, nsid
LIMIT $limit
