// name: 0003_migration_version_unique
// purpose: One Migration node per applied schema version, so two processes migrating at once
//   record each version once.
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT migration_version_unique IF NOT EXISTS
FOR (m:Migration) REQUIRE m.version IS UNIQUE
