// name: remove_fave
// purpose: Delete one FAVED edge (an unfave made in the app) and take 1 off the photo's faves
//   count (and its pop_key). The user node is write-locked first (as finish_pull does), so an unfave and a pull's
//   finish never delete the same edge twice. A missing edge or user is not an error.
// mode: write
// params: $user, $photo_id
// returns: none
MATCH (u:User {nsid: $user})
SET u.lock = true
WITH u
OPTIONAL MATCH (u)-[f:FAVED]->(p:Photo {id: $photo_id})
SET p.pop_key = right('0000000000' + toString(9999999999 - (coalesce(p.faves, 1) - 1)), 10) + ':' + p.id,
    p.faves = coalesce(p.faves, 1) - 1
DELETE f
REMOVE u.lock
