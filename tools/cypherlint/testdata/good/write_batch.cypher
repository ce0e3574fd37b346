// name: write_batch
// purpose: An UNWIND $rows batch write with MERGE that passes.
// mode: write
// params: $rows
// returns: none
UNWIND $rows AS row
MERGE (u:User {nsid: row.nsid})
SET u.username = row.username
