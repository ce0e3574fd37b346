// name: 0007_photo_faves_backfill
// purpose: Set Photo.faves (see 0006) on the photos stored before it was maintained: the number
//   of FAVED edges, read as a degree. Safe to run again: only photos without the count (IS NULL)
//   are written. One transaction: on a large existing graph run it in Browser with
//   CALL { ... } IN TRANSACTIONS first (docs/operations.md).
// mode: write
// params: none
// returns: none
MATCH (p:Photo)
WHERE p.faves IS NULL
SET p.faves = COUNT { ()-[:FAVED]->(p) }
