// name: add_photos
// purpose: Merge one batch of an owner's public photos without FAVED edges: the owner, the photos
//   and the TOOK edges. Rows come sorted by photo_id and a photo's properties are written only when
//   a row brings a value that differs from the stored one, as in add_faves. The first owner wins:
//   a photo with no owner yet (added_at is null exactly then) is locked, checked again and given
//   its TOOK edge from $owner and added_at = $at; an owned photo keeps its owner. Empty photo
//   fields, a zero farm and a zero size never overwrite known values. Each row is {photo_id,
//   title, farm, server, secret, thumb_url, image_url, width, height}; times are Unix nanoseconds.
// mode: write
// params: $owner, $at, $rows
// returns: none
MERGE (o:User {nsid: $owner})
WITH o
UNWIND $rows AS row
MERGE (p:Photo {id: row.photo_id})
WITH o, p, row
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
    MERGE (o)-[:TOOK]->(p)
  )
)
