// name: record_pull
// purpose: Record the end of a pull of a user (created if unknown): last_pull_at, and for a full
//   pull last_full_pull_at too. Times are Unix nanoseconds. Idempotent.
// mode: write
// params: $user, $at, $full
// returns: none
MERGE (u:User {nsid: $user})
SET u.last_pull_at = $at,
    u.last_full_pull_at = CASE WHEN $full THEN $at ELSE u.last_full_pull_at END
