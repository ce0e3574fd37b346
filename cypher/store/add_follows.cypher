// name: add_follows
// purpose: Second half of replacing a user's contacts: merge each contact like upsert_users and
//   a FOLLOWS edge to it. Each row is {nsid, username, realname, icon_url}.
// mode: write
// params: $nsid, $rows
// returns: none
MERGE (u:User {nsid: $nsid})
WITH u
UNWIND $rows AS row
MERGE (c:User {nsid: row.nsid})
SET c.username = CASE row.username WHEN '' THEN c.username ELSE row.username END,
    c.realname = CASE row.realname WHEN '' THEN c.realname ELSE row.realname END,
    c.icon_url = CASE row.icon_url WHEN '' THEN c.icon_url ELSE row.icon_url END
MERGE (u)-[:FOLLOWS]->(c)
