// Package uiprobe holds the JavaScript the browser tests evaluate to measure the pages as a
// person sees them (layout shift, photos in view, photo shapes, upscaling), so that the server's
// browser test and the end-to-end test measure alike.
//
// Must not import: ./...
package uiprobe
