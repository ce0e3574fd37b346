// name: another_name
// purpose: A name that is not the file's.
// mode: read
// params: none
// returns: one
// expect: is not the file name
RETURN 1 AS one
