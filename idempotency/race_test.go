//go:build race

package idempotency_test

// raceEnabled: the race detector slows every request about tenfold, so the
// heaviest tests scale down (same ratios).
const raceEnabled = true
