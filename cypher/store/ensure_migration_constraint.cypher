// name: ensure_migration_constraint
// purpose: The uniqueness of Migration.version, created before Migrate reads or records any
//   migration, so two `photorec migrate` on a fresh database record each version once (migration
//   0003 creates the same constraint and is then a no-op). Safe to run again (IF NOT EXISTS).
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT migration_version_unique IF NOT EXISTS
FOR (m:Migration) REQUIRE m.version IS UNIQUE
