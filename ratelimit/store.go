package ratelimit

import (
	"context"
	"time"
)

// Store keeps GCRA state. Implementations must be safe for concurrent use.
//
// Allow checks cost against every policy for key at once: if every policy
// admits it, every policy is charged; if any refuses, none is (all or
// nothing, atomically with respect to other calls for the same key). It fills
// out[i] with policies[i]'s Status (len(out) >= len(policies)) and returns
// whether the request was admitted. A non-nil error means the store could not
// decide (Redis unreachable, timeout); the Limiter's FailurePolicy then
// applies. Time is the store's own: the Memory store's clock or Redis's TIME.
//
// A cost of 0 charges nothing and stores nothing: it reports each policy's
// Status as it stands (a peek; Limiter.Peek uses it).
type Store interface {
	Allow(ctx context.Context, key string, cost int64, policies []Policy, out []Status) (bool, error)
}

// ConcurrencyStore counts requests in flight. Implementations must be safe
// for concurrent use.
//
// Acquire takes one slot of key if fewer than limit are held, and returns a
// release func (safe to call more than once; only the first call counts) and
// inFlight, the number held after the call. ok is false when all limit slots
// are held. A store shared by processes must hold slots as leases that expire
// after ttl, so that a crashed process cannot leak them; a zero ttl means the
// store's default.
type ConcurrencyStore interface {
	Acquire(ctx context.Context, key string, limit int64, ttl time.Duration) (release func(), inFlight int64, ok bool, err error)
}

// QuotaStore keeps usage counters. Implementations must be safe for
// concurrent use.
//
// Add adds n to the counter key unless that would take it above limit, in
// which case nothing changes and ok is false; a negative n subtracts (the
// counter does not go below zero) and always succeeds. used is the counter
// after the call (or as it stands, when refused). A positive ttl makes the
// counter expire that long after its first use (a periodic quota's key names
// its period, so it only needs to outlive it); zero keeps it forever.
type QuotaStore interface {
	Add(ctx context.Context, key string, n, limit int64, ttl time.Duration) (used int64, ok bool, err error)
}
