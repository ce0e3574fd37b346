// Package flickrtest is the Flickr simulator: a synthetic, seeded world of photographers who fave
// each other's photos (World), and an HTTP server (Server) that serves it through Flickr's REST
// wire format, OAuth 1.0a endpoints and authorize page, static images and fault injection.
// See docs/simulator.md for the world's shape and the authorize page's element ids.
// It imports no project package, so its wire format stays independent of the client's decoding.
//
// Must not import: ./...
package flickrtest
