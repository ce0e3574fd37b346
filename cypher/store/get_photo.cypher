// name: get_photo
// purpose: One stored photo by ID (a photo is stored once a batch gave it an owner) with its
//   owner's NSID; no row when the photo is unknown.
// mode: read
// params: $id
// returns: photo, owner
// rows: 2 <= 2
MATCH (o:User)-[:TOOK]->(p:Photo {id: $id})
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o.nsid AS owner
ORDER BY owner
LIMIT 1
