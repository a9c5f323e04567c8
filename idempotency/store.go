package idempotency

import (
	"context"
	"errors"
	"time"
)

// ErrLeaseLost is returned by Store.Complete when the key is held by another
// owner (the caller's lease expired and a retry took it) or is already
// completed; the caller's response is then not stored. Store.Renew returns
// it when the caller no longer holds the lease.
var ErrLeaseLost = errors.New("idempotency: lease lost to another owner")

// Store keeps one Record per key. The middleware builds keys that already
// carry the caller's scope, as len(scope) ":" scope ":" key (e.g.
// "9:t4:acme:test:order-1"); a Store may treat them as opaque strings, or
// use the scope to bound each caller (MemoryStore does).
//
// Concurrency contract. A Store must be safe for concurrent use by many
// goroutines and, when it is shared (Redis), by many processes. For any one
// key, Acquire, Complete, Renew and Release must each be atomic with respect to
// every other call on that key: they behave as if run one at a time in some
// order. In particular, of any number of concurrent Acquire calls on a key
// that holds no live record, exactly one takes the lease; all others see the
// winner's record. Expiry is part of that order: a record whose lease or TTL
// has passed is absent to every later call.
type Store interface {
	// Acquire takes the lease on key for rec.Token when the key holds no
	// live record: it stores rec (Status InFlight, with its Token and
	// Fingerprint) to expire after lease, and returns (nil, nil).
	// Otherwise it changes nothing and returns the live record, in flight or
	// completed, so a replay costs one call. The returned record is
	// read-only.
	Acquire(ctx context.Context, key string, rec *Record, lease time.Duration) (*Record, error)

	// Complete replaces the in-flight record of key owned by rec.Token with
	// rec (Status Completed), kept for ttl. If the key holds a record owned
	// by another token, or a completed record, it changes nothing and
	// returns ErrLeaseLost: a stale worker never overwrites. If the key
	// holds nothing (the lease expired and nobody took it since), it stores
	// rec: the side effect happened, so a retry should see its result
	// rather than run it again.
	Complete(ctx context.Context, key string, rec *Record, ttl time.Duration) error

	// Renew extends the in-flight record of key owned by token to expire
	// after lease from now, so a request that outlives its first lease (a
	// slow handler, a response whose save is being retried) keeps its key
	// while its process lives; only a crashed holder's key becomes free.
	// If the key holds another owner's record, a completed record, or
	// nothing, it changes nothing and returns ErrLeaseLost.
	Renew(ctx context.Context, key string, token Token, lease time.Duration) error

	// Release deletes the in-flight record of key if, and only if, it is
	// owned by token, so a retry runs again. Releasing a lease the caller no
	// longer holds is not an error and changes nothing.
	Release(ctx context.Context, key string, token Token) error
}
