// name: two_statements
// purpose: Two statements in one file.
// mode: read
// params: none
// returns: one
// expect: 2 statements, want exactly 1
RETURN 1 AS one;
RETURN 2 AS two
