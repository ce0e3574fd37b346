// name: 0004_credential_nsid_unique
// purpose: At most one stored credential per user.
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT credential_nsid_unique IF NOT EXISTS
FOR (c:Credential) REQUIRE c.nsid IS UNIQUE
