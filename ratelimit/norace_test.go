//go:build !race

package ratelimit

const rlRace = false
