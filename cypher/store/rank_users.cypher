// name: rank_users
// purpose: The display fields of $users (the people a stored ranking's reasons name, at most
//   200 per call). Unknown users have no row. Off the request path.
// mode: read
// params: $users
// returns: user
// rows: 200 <= 200
UNWIND $users AS nsid
MATCH (u:User {nsid: nsid})
RETURN u {.nsid, .username, .realname, .icon_url} AS user
