package ratelimit

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// ConcurrencyConfig configures a ConcurrencyLimiter. Only Limit is required.
type ConcurrencyConfig struct {
	// Limit is the most requests in flight per key.
	Limit int64
	// Store counts them (default: a new MemoryConcurrency).
	Store ConcurrencyStore
	// Key picks the request's key (default ByTenantOrIP); "" is not limited.
	Key KeyFunc
	// Prefix is prepended to every key (default "cc:").
	Prefix string
	// LeaseTTL bounds how long a slot is held in a shared store if its holder
	// dies; set it above your longest request (default: the store's, 1m for
	// the Redis store).
	LeaseTTL time.Duration
	// RetryAfter is sent as Retry-After on refusal (default 1s; negative: none).
	// A slot frees when some request completes, not at a known time, but a
	// 429 promises clients a wait: a short one keeps them backing off.
	RetryAfter time.Duration
	// LocalShare is the share of Limit FailLocal allows in flight in this
	// process while the store fails (default DefaultLocalShare, 1; at
	// least one slot).
	LocalShare float64
	// FailurePolicy says what a store failure does (Redis down or slow):
	// default apierr.FailOpen (admit, log on Logger, call OnError, count in
	// Failures); apierr.FailClosed answers 503 with UnavailableRetryAfter
	// (default 1s); apierr.FailLocal counts in this process (LocalShare).
	apierr.FailurePolicy
}

// ConcurrencyLimiter caps requests in flight per key. Safe for concurrent use.
type ConcurrencyLimiter struct {
	cfg      ConcurrencyConfig
	failure  rlFailure
	failures atomic.Int64
	local    *MemoryConcurrency // FailLocal's store; nil under the other policies
	localLim int64
}

// NewConcurrency returns a ConcurrencyLimiter; it panics if Limit < 1.
func NewConcurrency(cfg ConcurrencyConfig) *ConcurrencyLimiter {
	if cfg.Limit < 1 {
		panic("ratelimit: NewConcurrency: limit must be at least 1")
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryConcurrency()
	}
	if cfg.Key == nil {
		cfg.Key = ByTenantOrIP
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "cc:"
	}
	if cfg.RetryAfter == 0 {
		cfg.RetryAfter = time.Second
	}
	c := &ConcurrencyLimiter{cfg: cfg}
	c.failure = newRLFailure(cfg.FailurePolicy, &c.failures, "concurrency")
	if c.failure.policy.Mode == apierr.FailLocal {
		share := cfg.LocalShare
		if share <= 0 {
			share = DefaultLocalShare
		}
		c.local, c.localLim = NewMemoryConcurrency(), rlScale(cfg.Limit, share)
	}
	return c
}

// Concurrency returns a middleware allowing at most limit requests in flight
// per tenant (or client IP), in memory.
func Concurrency(limit int64) func(http.Handler) http.Handler {
	return NewConcurrency(ConcurrencyConfig{Limit: limit}).Middleware
}

// Failures returns how many store errors this limiter has met.
func (c *ConcurrencyLimiter) Failures() int64 { return c.failures.Load() }

func rlNoop() {}

// Acquire takes a slot for key. It returns a release func (never nil, safe to
// call twice) and nil, or the concurrency-limited condition (context limit),
// or on a store failure what the FailurePolicy says.
func (c *ConcurrencyLimiter) Acquire(ctx context.Context, key string) (release func(), err error) {
	rel, _, ok, err := c.cfg.Store.Acquire(ctx, c.cfg.Prefix+key, c.cfg.Limit, c.cfg.LeaseTTL)
	if err != nil && c.local != nil {
		c.failure.handle(ctx, err)
		rel, _, ok, err = c.local.Acquire(ctx, c.cfg.Prefix+key, c.localLim, c.cfg.LeaseTTL)
	}
	if err != nil {
		if e := c.failure.handle(ctx, err); e != nil {
			return rlNoop, e
		}
		return rlNoop, nil
	}
	if !ok {
		e := apierr.Cond(apierr.CondConcurrencyLimited).With("limit", c.cfg.Limit)
		if c.cfg.RetryAfter > 0 {
			e.WithRetryAfter(c.cfg.RetryAfter)
		}
		return rlNoop, e
	}
	return rel, nil
}

// Middleware holds a slot while the next handler runs and releases it when
// the handler returns or panics.
func (c *ConcurrencyLimiter) Middleware(next http.Handler) http.Handler {
	return apierr.RaisingHandler(next, c.failure.raises(apierr.CondConcurrencyLimited), func(w http.ResponseWriter, r *http.Request) {
		key := c.cfg.Key(r)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		release, err := c.Acquire(r.Context(), key)
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}
