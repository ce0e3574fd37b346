// Package graph owns photorec's domain: users, photos, FAVED/TOOK/FOLLOWS edges, dismissals,
// per-user pull bookkeeping, the Store contract every backend implements, and the scoring rules
// (Flexplore and the other algorithms) in their reference form.
//
// It must not import HTTP, queue, Flickr or backend packages.
package graph
