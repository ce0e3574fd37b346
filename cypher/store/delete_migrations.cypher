// name: delete_migrations
// purpose: Delete every Migration record (the schema itself stays): what the Neo4j migration
//   tests run to get a database that looks never migrated. Never used by the application.
// mode: write
// params: none
// returns: none
MATCH (m:Migration)
DELETE m
