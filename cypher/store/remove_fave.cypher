// name: remove_fave
// purpose: Delete one FAVED edge (an unfave made in the app). A missing edge is not an error.
// mode: write
// params: $user, $photo_id
// returns: none
MATCH (:User {nsid: $user})-[f:FAVED]->(:Photo {id: $photo_id})
DELETE f
