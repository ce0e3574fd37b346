// name: add_faves
// purpose: Merge one batch of a user's favorites: the photos, their owners, the TOOK edges and
//   the FAVED edges. Rows come sorted by photo_id (graph/neo4j sorts them), so concurrent batches
//   lock shared photos in one order and cannot deadlock. A photo's properties are written only
//   when a row brings a value that differs from the stored one (an empty field, a zero farm and a
//   zero size never overwrite): a hot photo is not write-locked by every batch that faves it.
//   The first owner wins: a photo with no owner yet (added_at is null exactly then) is locked,
//   checked again and given its TOOK edge and added_at = $at; a row naming another owner for an
//   owned photo changes nothing of the ownership and creates no user. Pulls are tracked per pull:
//   $pull_id ('' for a fave made in the app) joins the user's open_pulls (the last 4; an older one
//   moves to dropped_pulls, whose finish removes nothing) and each FAVED edge's pulls list (kept
//   to the user's open pulls), so a pull's finish deletes only the faves none of its batches
//   carried. A new FAVED edge adds 1 to the photo's faves count and sets its pop_key (see
//   migration 0006; both read the count before either is written, and the direct dependency
//   makes Cypher lock the photo before reading it). A null faved_at keeps the stored one. Each row is
//   {photo_id, owner, title, farm, server, secret, thumb_url, image_url, width, height,
//   faved_at}; times are Unix nanoseconds.
// mode: write
// params: $user, $pull_id, $at, $rows
// returns: none
MERGE (u:User {nsid: $user})
SET u.dropped_pulls = CASE
      WHEN $pull_id = '' OR size($rows) = 0 OR $pull_id IN coalesce(u.open_pulls, [])
        OR size(coalesce(u.open_pulls, [])) < 4 THEN u.dropped_pulls
      ELSE (coalesce(u.dropped_pulls, []) + u.open_pulls[0])[-4..]
    END
SET u.open_pulls = CASE
      WHEN $pull_id = '' OR size($rows) = 0 OR $pull_id IN coalesce(u.open_pulls, []) THEN u.open_pulls
      ELSE (coalesce(u.open_pulls, []) + $pull_id)[-4..]
    END
WITH u
UNWIND $rows AS row
MERGE (p:Photo {id: row.photo_id})
WITH u, p, row
FOREACH (_ IN CASE WHEN (row.title <> '' AND row.title <> coalesce(p.title, ''))
                     OR (row.farm <> 0 AND row.farm <> coalesce(p.farm, 0))
                     OR (row.server <> '' AND row.server <> coalesce(p.server, ''))
                     OR (row.secret <> '' AND row.secret <> coalesce(p.secret, ''))
                     OR (row.thumb_url <> '' AND row.thumb_url <> coalesce(p.thumb_url, ''))
                     OR (row.image_url <> '' AND row.image_url <> coalesce(p.image_url, ''))
                     OR (row.width <> 0 AND row.height <> 0
                         AND (row.width <> coalesce(p.width, 0) OR row.height <> coalesce(p.height, 0)))
                   THEN [1] ELSE [] END |
  SET p.title = CASE row.title WHEN '' THEN p.title ELSE row.title END,
      p.farm = CASE row.farm WHEN 0 THEN p.farm ELSE row.farm END,
      p.server = CASE row.server WHEN '' THEN p.server ELSE row.server END,
      p.secret = CASE row.secret WHEN '' THEN p.secret ELSE row.secret END,
      p.thumb_url = CASE row.thumb_url WHEN '' THEN p.thumb_url ELSE row.thumb_url END,
      p.image_url = CASE row.image_url WHEN '' THEN p.image_url ELSE row.image_url END,
      p.width = CASE WHEN row.width = 0 OR row.height = 0 THEN p.width ELSE row.width END,
      p.height = CASE WHEN row.width = 0 OR row.height = 0 THEN p.height ELSE row.height END
)
FOREACH (_ IN CASE WHEN p.added_at IS NULL THEN [1] ELSE [] END |
  SET p.added_at = coalesce(p.added_at, $at)
  FOREACH (__ IN CASE WHEN EXISTS { ()-[:TOOK]->(p) } THEN [] ELSE [1] END |
    MERGE (o:User {nsid: row.owner})
    MERGE (o)-[:TOOK]->(p)
  )
)
MERGE (u)-[f:FAVED]->(p)
  ON CREATE SET p.pop_key = right('0000000000' + toString(9999999999 - (coalesce(p.faves, 0) + 1)), 10) + ':' + p.id,
                p.faves = coalesce(p.faves, 0) + 1
SET f.faved_at = coalesce(row.faved_at, f.faved_at),
    f.pulls = CASE $pull_id
      WHEN '' THEN f.pulls
      ELSE [x IN coalesce(f.pulls, []) WHERE x <> $pull_id AND x IN u.open_pulls] + $pull_id
    END
