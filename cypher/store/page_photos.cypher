// name: page_photos
// purpose: The stored photos of $ids (at most 501: one page of "more like this") with their
//   owners; photos without an owner have no row.
// mode: read
// params: $ids
// returns: photo, owner
// rows: 2*limit <= 1002
UNWIND $ids AS id
MATCH (o:User)-[:TOOK]->(p:Photo {id: id})
RETURN p {.id, .title, .farm, .server, .secret, .thumb_url, .image_url, .width, .height, .added_at} AS photo,
       o {.nsid, .username, .realname, .icon_url} AS owner
