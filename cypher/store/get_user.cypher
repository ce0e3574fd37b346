// name: get_user
// purpose: One user by NSID; no row when unknown.
// mode: read
// params: $nsid
// returns: user
// rows: 1 <= 1
MATCH (u:User {nsid: $nsid})
RETURN u {.nsid, .username, .realname, .icon_url} AS user
