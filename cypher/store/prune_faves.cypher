// name: prune_faves
// purpose: End of a full pull: delete the user's FAVED edges that no batch of this pull added
//   or re-added (favorites that disappeared on Flickr). Running it twice removes nothing more.
// mode: write
// params: $user, $pull_id
// returns: removed
MATCH (u:User {nsid: $user})
OPTIONAL MATCH (u)-[f:FAVED]->(:Photo)
  WHERE f.pull_id IS NULL OR f.pull_id <> $pull_id
DELETE f
RETURN count(f) AS removed
