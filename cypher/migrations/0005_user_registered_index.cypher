// name: 0005_user_registered_index
// purpose: due_for_refresh scans registered users only.
// mode: write
// params: none
// returns: none
CREATE INDEX user_registered IF NOT EXISTS
FOR (u:User) ON (u.registered)
