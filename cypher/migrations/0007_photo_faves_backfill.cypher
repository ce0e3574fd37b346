// name: 0007_photo_faves_backfill
// purpose: Set Photo.faves and Photo.pop_key (see 0006) on the photos stored before they were
//   maintained, the count read as a degree. Safe to run again: only photos without the count
//   (IS NULL) are written. One transaction: on a large existing graph, run it in Browser in
//   batches first (docs/operations.md).
// mode: write
// params: none
// returns: none
MATCH (p:Photo)
WHERE p.faves IS NULL
WITH p, COUNT { ()-[:FAVED]->(p) } AS faves
SET p.faves = faves,
    p.pop_key = right('0000000000' + toString(9999999999 - faves), 10) + ':' + p.id
