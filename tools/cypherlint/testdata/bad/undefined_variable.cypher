// name: undefined_variable
// purpose: A semantic error: a variable that was never bound.
// mode: read
// params: $nsid
// returns: nsid
// expect: Variable `x` not defined
MATCH (u:User {nsid: $nsid})
RETURN x.nsid AS nsid
