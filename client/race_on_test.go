//go:build race

package client_test

// raceEnabled: the race detector slows the client several times over, so
// the pacing test runs its clock slower (see paceScale).
const raceEnabled = true
