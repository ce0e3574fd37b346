// name: undismiss_photo
// purpose: Remove a user's dismissal of a photo. A missing dismissal is not an error.
// mode: write
// params: $nsid, $photo_id
// returns: none
MATCH (:User {nsid: $nsid})-[d:DISMISSED_PHOTO]->(:Photo {id: $photo_id})
DELETE d
