// name: unknown_function
// purpose: A function Neo4j does not have.
// mode: read
// params: none
// returns: x
// expect: Function sqr is not present
RETURN sqr(2.0) AS x
