//go:build race

package flickrtest

// raceEnabled is true under -race; pure-computation tests that would only get slower skip then.
const raceEnabled = true
