// name: put_token
// purpose: Store the opaque, already encrypted credential of a user (created if unknown),
//   replacing any previous one. It lives on a separate Credential node so that browsing users
//   never shows it.
// mode: write
// params: $nsid, $sealed
// returns: none
MERGE (:User {nsid: $nsid})
MERGE (c:Credential {nsid: $nsid})
SET c.sealed = $sealed
