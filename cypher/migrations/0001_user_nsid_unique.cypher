// name: 0001_user_nsid_unique
// purpose: Users are keyed by NSID: every MERGE on :User(nsid) relies on this constraint (and its
//   index) to stay idempotent under concurrent writers.
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT user_nsid_unique IF NOT EXISTS
FOR (u:User) REQUIRE u.nsid IS UNIQUE
