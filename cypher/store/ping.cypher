// name: ping
// purpose: A trivial read that proves a reader answers.
// mode: read
// params: none
// returns: ok
// rows: 1 <= 1
RETURN 1 AS ok
