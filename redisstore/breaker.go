package redisstore

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultFailFast is how long a store stops calling Redis once it has met
// DefaultBreakAfter consecutive failures (see RateLimitConfig.FailFast).
const DefaultFailFast = time.Second

// DefaultBreakAfter is how many consecutive failures for want of Redis
// make a store fail fast.
const DefaultBreakAfter = 3

// ErrFailingFast is returned (wrapped) instead of calling Redis while a
// store fails fast after an outage (see RateLimitConfig.FailFast).
var ErrFailingFast = errors.New("redisstore: failing fast after Redis errors")

// rlBreaker is a circuit breaker. Closed, every call goes to Redis; after
// `after` consecutive failures for want of Redis (a timeout, a refused or
// broken connection, never a reply such as a script error) it opens: calls
// fail at once with ErrFailingFast for coolDown. Then one call, the probe,
// goes to Redis while the others still fail fast; its success closes the
// breaker, its failure opens it for another coolDown. So an outage costs the
// API a few slow calls, not one per request, and its end is noticed within
// coolDown. The zero value (after 0) never opens. Lock-free: a check on the
// hot path costs one atomic load.
type rlBreaker struct {
	after    int64
	coolDown time.Duration
	now      func() time.Time // the clock; a seam for tests

	fails    atomic.Int64
	openTill atomic.Int64 // unix ns; 0 while closed
	probing  atomic.Bool
}

// newBreaker applies the stores' defaults: failFast 0 means
// DefaultFailFast, negative turns the breaker off; breakAfter 0 means
// DefaultBreakAfter.
func newBreaker(failFast time.Duration, breakAfter int) *rlBreaker {
	if failFast < 0 {
		return &rlBreaker{}
	}
	if failFast == 0 {
		failFast = DefaultFailFast
	}
	if breakAfter <= 0 {
		breakAfter = DefaultBreakAfter
	}
	return &rlBreaker{after: int64(breakAfter), coolDown: failFast, now: time.Now}
}

// enter reports whether a call may go to Redis, and whether it is the probe
// (whose outcome decides for the others). A caller that may go must call
// exit with the call's error.
func (b *rlBreaker) enter() (ok, probe bool) {
	till := b.openTill.Load()
	if till == 0 || b.after == 0 {
		return true, false
	}
	if b.now().UnixNano() < till {
		return false, false
	}
	if b.probing.CompareAndSwap(false, true) {
		return true, true
	}
	return false, false
}

// exit records a call's outcome.
func (b *rlBreaker) exit(probe bool, err error) {
	if b.after == 0 {
		return
	}
	if err == nil || !rlWantOfRedis(err) {
		if b.fails.Load() != 0 {
			b.fails.Store(0)
		}
		if b.openTill.Load() != 0 {
			b.openTill.Store(0)
		}
		if probe {
			b.probing.Store(false)
		}
		return
	}
	if n := b.fails.Add(1); probe || n >= b.after {
		b.openTill.Store(b.now().Add(b.coolDown).UnixNano())
	}
	if probe {
		b.probing.Store(false)
	}
}

// rlWantOfRedis reports an error that says Redis could not be reached in
// time: not a reply from Redis (a script error, a nil), not the caller
// giving up (its request cancelled).
func rlWantOfRedis(err error) bool {
	if errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) {
		return false
	}
	return !rlServerReplied(err)
}

// rlServerReplied reports an error Redis itself answered with (a script
// error, say): Redis is up, so there is nothing to fail fast for.
func rlServerReplied(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && !errors.Is(err, context.DeadlineExceeded)
}
