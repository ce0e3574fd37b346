// name: unknown_field
// purpose: A header field the format does not define.
// mode: read
// param: $nsid
// params: $nsid
// returns: nsid
// expect: unknown header field "param"
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
