// name: add_faves
// purpose: Merge one batch of a user's favorites: the photos (added_at kept from the first batch
//   that stored them), their owners, the TOOK edges and the FAVED edges, each FAVED edge tagged
//   with the pull id. Empty photo fields never overwrite known values; a null faved_at keeps the
//   stored one; a zero width or height keeps the stored size. Each row is {photo_id, owner,
//   title, farm, server, secret, thumb_url, image_url, width, height, faved_at}; times are Unix
//   nanoseconds.
// mode: write
// params: $user, $pull_id, $at, $rows
// returns: none
MERGE (u:User {nsid: $user})
WITH u
UNWIND $rows AS row
MERGE (p:Photo {id: row.photo_id})
SET p.added_at = coalesce(p.added_at, $at),
    p.title = CASE row.title WHEN '' THEN p.title ELSE row.title END,
    p.farm = CASE row.farm WHEN 0 THEN p.farm ELSE row.farm END,
    p.server = CASE row.server WHEN '' THEN p.server ELSE row.server END,
    p.secret = CASE row.secret WHEN '' THEN p.secret ELSE row.secret END,
    p.thumb_url = CASE row.thumb_url WHEN '' THEN p.thumb_url ELSE row.thumb_url END,
    p.image_url = CASE row.image_url WHEN '' THEN p.image_url ELSE row.image_url END,
    p.width = CASE row.width WHEN 0 THEN p.width ELSE row.width END,
    p.height = CASE row.height WHEN 0 THEN p.height ELSE row.height END
MERGE (o:User {nsid: row.owner})
MERGE (o)-[:TOOK]->(p)
MERGE (u)-[f:FAVED]->(p)
SET f.pull_id = $pull_id,
    f.faved_at = coalesce(row.faved_at, f.faved_at)
