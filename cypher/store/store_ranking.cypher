// name: store_ranking
// purpose: Replace the stored ranking of one member under one algorithm: the (:Ranking {key})
//   node (key is nsid + '/' + algorithm; nsid, algorithm, computed_at in Unix nanoseconds, size)
//   and one (:Ranking)-[:RANKS {score, reasons}]->(:Photo) per item of $rows, each {photo_id,
//   score, reasons}, reasons being the JSON of the item's graph.Reason list with at most
//   graph.MaxWhy people each, sorted by photo_id (the photos are locked in the order batches lock
//   them). The node is write-locked first, so two computations of one ranking
//   replace it one after the other. Idempotent.
// mode: write
// params: $key, $nsid, $algorithm, $at, $rows
// returns: none
MERGE (r:Ranking {key: $key})
SET r.nsid = $nsid, r.algorithm = $algorithm, r.computed_at = $at, r.size = size($rows)
WITH r
CALL (r) {
  MATCH (r)-[x:RANKS]->()
  DELETE x
}
WITH r
UNWIND $rows AS row
MATCH (p:Photo {id: row.photo_id})
CREATE (r)-[:RANKS {score: row.score, reasons: row.reasons}]->(p)
