//go:build !race

package sqlstore_test

// raceEnabled reports a build with the race detector.
const raceEnabled = false
