// name: property_typo
// purpose: A property key outside schema.json.
// mode: read
// params: $id
// returns: title
// expect: titel is not present
MATCH (p:Photo {id: $id})
RETURN p.titel AS title
