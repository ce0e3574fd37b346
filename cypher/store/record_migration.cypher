// name: record_migration
// purpose: Record that a schema migration was applied; a second call keeps the first record.
// mode: write
// params: $version, $name, $at
// returns: none
MERGE (m:Migration {version: $version})
  ON CREATE SET m.name = $name, m.applied_at = $at
