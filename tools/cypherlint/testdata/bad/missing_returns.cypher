// name: missing_returns
// purpose: No returns line.
// mode: read
// params: $nsid
// expect: header field "returns" missing
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
