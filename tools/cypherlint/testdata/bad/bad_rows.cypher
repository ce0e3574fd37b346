// name: bad_rows
// purpose: A rows field without its budget.
// mode: read
// params: $nsid
// returns: nsid
// rows: 1 + d(me)
// expect: is not "<formula> <= <budget>"
MATCH (u:User {nsid: $nsid})
RETURN u.nsid AS nsid
