// name: applied_migrations
// purpose: The versions of the schema migrations already applied, in order.
// mode: read
// params: none
// returns: version
// rows: mig <= 1000
MATCH (m:Migration)
RETURN m.version AS version
ORDER BY version
