// Package favetsv reads favorites TSV files (user_nsid, photo_id, owner_nsid[, faved_at_unix]),
// streaming, with a typed *Error naming the line and the reason for every malformed line.
// It is a leaf: rows are plain strings and times.
//
// Must not import: ./...
package favetsv
