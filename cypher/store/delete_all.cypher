// name: delete_all
// purpose: Delete every node except the Migration records: what the conformance tests run before
//   each case to get an empty store on a shared test database. Never used by the application.
// mode: write
// params: none
// returns: none
MATCH (n)
WHERE NOT n:Migration
DETACH DELETE n
