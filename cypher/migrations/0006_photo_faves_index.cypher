// name: 0006_photo_faves_index
// purpose: Photo.faves is the photo's number of FAVED edges, maintained by add_faves, remove_fave
//   and finish_pull; recommend_photos_popularity reads the photos in descending faves order from
//   this index instead of counting every photo's edges.
// mode: write
// params: none
// returns: none
CREATE INDEX photo_faves IF NOT EXISTS
FOR (p:Photo) ON (p.faves)
