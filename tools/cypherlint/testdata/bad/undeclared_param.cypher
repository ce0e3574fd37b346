// name: undeclared_param
// purpose: Uses $limit without declaring it.
// mode: read
// params: $nsid
// returns: nsid
// expect: uses $limit, not declared in the header
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
LIMIT $limit
