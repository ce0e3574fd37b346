// name: 0002_photo_id_unique
// purpose: Photos are keyed by Flickr photo ID (a string: IDs may exceed 2^32).
// mode: write
// params: none
// returns: none
CREATE CONSTRAINT photo_id_unique IF NOT EXISTS
FOR (p:Photo) REQUIRE p.id IS UNIQUE
