package client

import (
	"math"
	"sync/atomic"
)

// Budget bounds retries to a share of recent traffic, as gRPC's retry
// throttling does: it holds up to Max tokens, starting full; every failed
// attempt takes one, every success gives back Ratio; a retry is allowed only
// while more than half the tokens remain. With the defaults (10, 0.1) a
// backend that fails everything gets at most 4 retries in all from one
// Transport (3 with the default MaxRetries, all spent by the first request)
// before it stops retrying: each later request is sent once. Retries
// resume once successes have refilled the budget past half; in the steady
// state they continue while fewer than about 1 attempt in 11 fails
// (Ratio/(1+Ratio)). A Budget is safe for concurrent use and may be shared
// by several Transports (to budget a whole backend).
type Budget struct {
	max   int64 // in milli-tokens
	ratio int64 // in milli-tokens
	cur   atomic.Int64
}

// Defaults for NewBudget and for a Transport without a Budget.
const (
	DefaultBudgetTokens = 10
	DefaultBudgetRatio  = 0.1
)

// NewBudget returns a full budget of max tokens, refilled by ratio per
// success. max ≤ 0 means DefaultBudgetTokens; ratio ≤ 0 means
// DefaultBudgetRatio.
func NewBudget(max, ratio float64) *Budget {
	if max <= 0 || math.IsNaN(max) {
		max = DefaultBudgetTokens
	}
	if ratio <= 0 || math.IsNaN(ratio) {
		ratio = DefaultBudgetRatio
	}
	b := &Budget{max: int64(math.Min(max, 1e12) * 1000), ratio: int64(math.Min(ratio, 1e12) * 1000)}
	b.cur.Store(b.max)
	return b
}

// Allow reports whether a retry may be sent now.
func (b *Budget) Allow() bool { return b.cur.Load() > b.max/2 }

// Failure records a failed attempt.
func (b *Budget) Failure() { b.add(-1000) }

// Success records an attempt that needs no retry.
func (b *Budget) Success() {
	if b.cur.Load() < b.max { // the common case, a full budget, costs one load
		b.add(b.ratio)
	}
}

// Tokens returns the tokens left.
func (b *Budget) Tokens() float64 { return float64(b.cur.Load()) / 1000 }

func (b *Budget) add(d int64) {
	for {
		old := b.cur.Load()
		n := min(max(old+d, 0), b.max)
		if n == old || b.cur.CompareAndSwap(old, n) {
			return
		}
	}
}
