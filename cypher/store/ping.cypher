// name: ping
// purpose: A trivial read that proves a reader answers.
// mode: read
// params: none
// returns: ok
RETURN 1 AS ok
