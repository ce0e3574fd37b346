// name: dismiss_photo
// purpose: Record that a user (created if unknown) dismissed a photo. Idempotent. An unknown
//   photo gets a bare Photo node with no TOOK edge, which is not a stored photo (get_photo, stats
//   and the rankings ignore it) until a batch adds the real one.
// mode: write
// params: $nsid, $photo_id
// returns: none
MERGE (u:User {nsid: $nsid})
MERGE (p:Photo {id: $photo_id})
MERGE (u)-[:DISMISSED_PHOTO]->(p)
