// name: register
// purpose: Mark a user (created if unknown) as one the scheduler keeps fresh. Idempotent.
// mode: write
// params: $nsid
// returns: none
MERGE (u:User {nsid: $nsid})
SET u.registered = true
