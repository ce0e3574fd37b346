// name: 0008_ranking_key_unique
// purpose: One stored ranking per member and algorithm: store_ranking MERGEs (:Ranking {key})
//   and ranking_page and ranking_state look it up by key.
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT ranking_key_unique IF NOT EXISTS
FOR (r:Ranking) REQUIRE r.key IS UNIQUE
