// name: get_token
// purpose: The stored credential of a user; no row when there is none.
// mode: read
// params: $nsid
// returns: sealed
// rows: 1 <= 1
MATCH (c:Credential {nsid: $nsid})
RETURN c.sealed AS sealed
