// name: missing_mode
// purpose: No mode line.
// params: $nsid
// returns: nsid
// expect: header field "mode" missing
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
