// name: bad_mode
// purpose: A mode that is neither read nor write.
// mode: readwrite
// params: $nsid
// returns: nsid
// expect: is not read or write
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
