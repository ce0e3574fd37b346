// name: unused_param
// purpose: Declares $limit without using it.
// mode: read
// params: $nsid, $limit
// returns: nsid
// expect: declares $limit, not used
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
