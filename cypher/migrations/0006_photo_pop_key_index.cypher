// name: 0006_photo_pop_key_index
// purpose: Photo.pop_key orders photos by popularity: 10 digits of 9999999999 - faves (its FAVED
//   edges, the maintained Photo.faves), ':', the photo ID. add_faves, remove_fave and finish_pull
//   keep both; recommend_photos_popularity reads the photos in this index's order instead of
//   counting every photo's edges on every page.
// mode: write
// params: none
// returns: none
CREATE INDEX photo_pop_key IF NOT EXISTS
FOR (p:Photo) ON (p.pop_key)
