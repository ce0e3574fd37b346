// name: label_typo
// purpose: A label outside schema.json.
// mode: read
// params: $nsid
// returns: nsid
// expect: Label Usr is not present
MATCH (u:Usr {nsid: $nsid})
RETURN u.nsid AS nsid
