// name: add_photos
// purpose: Merge one batch of an owner's public photos without FAVED edges: the photos
//   (added_at kept from the first batch that stored them), the owner and the TOOK edges. A photo
//   that already has an owner keeps it (the first owner wins). Empty photo fields, a zero farm
//   and a zero size never overwrite known values. Each row is {photo_id, title, farm, server,
//   secret, thumb_url, image_url, width, height}; times are Unix nanoseconds.
// mode: write
// params: $owner, $at, $rows
// returns: none
MERGE (o:User {nsid: $owner})
WITH o
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
WITH o, p
WHERE NOT EXISTS { (:User)-[:TOOK]->(p) }
MERGE (o)-[:TOOK]->(p)
