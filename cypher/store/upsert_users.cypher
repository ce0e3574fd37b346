// name: upsert_users
// purpose: Merge users by NSID. An empty field never overwrites a known value.
//   Each row is {nsid, username, realname, icon_url}; empty strings mean unknown.
// mode: write
// params: $rows
// returns: none
UNWIND $rows AS row
MERGE (u:User {nsid: row.nsid})
SET u.username = CASE row.username WHEN '' THEN u.username ELSE row.username END,
    u.realname = CASE row.realname WHEN '' THEN u.realname ELSE row.realname END,
    u.icon_url = CASE row.icon_url WHEN '' THEN u.icon_url ELSE row.icon_url END
