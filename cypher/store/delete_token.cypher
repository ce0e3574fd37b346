// name: delete_token
// purpose: Delete the stored credential of a user. A missing credential is not an error.
// mode: write
// params: $nsid
// returns: none
MATCH (c:Credential {nsid: $nsid})
DELETE c
