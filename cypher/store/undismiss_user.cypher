// name: undismiss_user
// purpose: Remove a user's dismissal of another user. A missing dismissal is not an error.
// mode: write
// params: $nsid, $target
// returns: none
MATCH (:User {nsid: $nsid})-[d:DISMISSED_USER]->(:User {nsid: $target})
DELETE d
