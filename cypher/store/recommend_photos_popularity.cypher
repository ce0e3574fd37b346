// name: recommend_photos_popularity
// purpose: One page of Popularity photo recommendations for $nsid (graph/algorithms.go): a
//   photo's score is its number of FAVED edges, the maintained Photo.faves. Photos are read in
//   the order of the indexed Photo.pop_key (10 digits of 9999999999 - faves, ':', the photo ID:
//   score desc, photo ID asc as strings), from just after the cursor's key; photos nobody faves
//   (key 9999999999:...) are outside the range. The first $limit that pass the exclusions of
//   recommend_photos_flexplore end the scan. No neighbor contributes, so there is no why.
// mode: read
// params: $nsid, $after_score, $after_id, $limit
// returns: photo, owner, score
// rows: 2 + 2*limit + 2*ex(me) <= 20000
MATCH (me:User {nsid: $nsid})
WITH me,
     CASE WHEN $after_id IS NULL THEN ''
       ELSE right('0000000000' + toString(9999999999 - toInteger($after_score)), 10) + ':' + $after_id
     END AS after
MATCH (p:Photo)
WHERE p.pop_key > after AND p.pop_key < '9999999999'
MATCH (o:User)-[:TOOK]->(p)
WHERE o <> me
  AND NOT EXISTS { (me)-[:FAVED]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_PHOTO]->(p) }
  AND NOT EXISTS { (me)-[:DISMISSED_USER]->(o) }
WITH p, o
ORDER BY p.pop_key
LIMIT $limit
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner,
       toFloat(p.faves) AS score
ORDER BY score DESC, photo.id
