// name: syntax_error
// purpose: A misspelt keyword.
// mode: read
// params: $nsid
// returns: nsid
// expect: Invalid input 'RETRN'
MATCH (u:User {nsid: $nsid})
RETRN u.nsid AS nsid
