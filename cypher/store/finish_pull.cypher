// name: finish_pull
// purpose: Close a pull of a user (created if unknown), in one statement. The user node is
//   write-locked first, so batches (add_faves), unfaves and finishes of one user run one at a
//   time. A pull already among the user's finished_pulls (the last 8) changes nothing: a
//   redelivered finish removes nothing and moves no time. Otherwise a full pull ($full) deletes
//   the user's FAVED edges whose pulls list lacks $pull_id (favorites that disappeared on Flickr;
//   a fave any batch of this pull carried stays), unless the pull was dropped from open_pulls
//   (its view is lost: nothing is removed), taking 1 off each photo's faves count (and its pop_key) in photo ID
//   order; then last_pull_at (and for a full pull last_full_pull_at) is $at, the pull leaves
//   open_pulls and joins finished_pulls. Times are Unix nanoseconds. registered: whether the
//   user is registered (its stored rankings are then recomputed).
// mode: write
// params: $user, $pull_id, $full, $at
// returns: removed, registered
MERGE (u:User {nsid: $user})
SET u.lock = true
WITH u,
     $pull_id <> '' AND $pull_id IN coalesce(u.finished_pulls, []) AS repeated,
     $pull_id IN coalesce(u.dropped_pulls, []) AS dropped
OPTIONAL MATCH (u)-[f:FAVED]->(p)
  WHERE $full AND NOT repeated AND NOT dropped AND NOT $pull_id IN coalesce(f.pulls, [])
WITH u, repeated, f, p
ORDER BY p.id
SET p.pop_key = right('0000000000' + toString(9999999999 - (coalesce(p.faves, 1) - 1)), 10) + ':' + p.id,
    p.faves = coalesce(p.faves, 1) - 1
DELETE f
WITH u, repeated, count(f) AS removed
SET u.last_pull_at = CASE WHEN repeated THEN u.last_pull_at ELSE $at END,
    u.last_full_pull_at = CASE WHEN $full AND NOT repeated THEN $at ELSE u.last_full_pull_at END,
    u.open_pulls = CASE WHEN repeated THEN u.open_pulls ELSE [x IN coalesce(u.open_pulls, []) WHERE x <> $pull_id] END,
    u.finished_pulls = CASE
      WHEN repeated OR $pull_id = '' THEN u.finished_pulls
      ELSE (coalesce(u.finished_pulls, []) + $pull_id)[-8..]
    END
REMOVE u.lock
RETURN removed, coalesce(u.registered, false) AS registered
