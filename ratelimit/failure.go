package ratelimit

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// FailurePolicy says what a limiter does when its store cannot decide (Redis
// down or slow).
type FailurePolicy int

const (
	// FailOpen admits the request, logs the error with slog and counts it
	// (the default: an outage of the limiter's store is not an outage of the API).
	FailOpen FailurePolicy = iota
	// FailClosed refuses the request with the unavailable condition (503) and a
	// Retry-After.
	FailClosed
	// FailLocal decides in this process while the store fails: a Limiter
	// checks the request against an in-process Memory store whose policies
	// are Config.LocalShare of its own, a ConcurrencyLimiter against an
	// in-process count of LocalShare of its limit. So an outage of a shared
	// store (Redis down or stalled) keeps every key limited, to at most
	// processes × LocalShare × the limit, where FailOpen admits without
	// bound. The error is logged and counted as with the others. A Quota
	// fails closed under FailLocal: usage already counted elsewhere cannot
	// be known in one process.
	FailLocal
)

// String returns "fail_open", "fail_closed" or "fail_local".
func (f FailurePolicy) String() string {
	switch f {
	case FailClosed:
		return "fail_closed"
	case FailLocal:
		return "fail_local"
	}
	return "fail_open"
}

// DefaultLocalShare is the share of a limit FailLocal enforces in each
// process when the config sets none: the whole limit, so n processes admit
// at most n times the limit while their store is down.
const DefaultLocalShare = 1.0

// rlLocalPolicies scales policies by share for FailLocal: limit and burst
// (at least 1 each), the period and name unchanged.
func rlLocalPolicies(policies []Policy, share float64) []Policy {
	if share <= 0 {
		share = DefaultLocalShare
	}
	out := make([]Policy, len(policies))
	for i, p := range policies {
		p.Limit = rlScale(p.Limit, share)
		if p.Burst > 0 {
			p.Burst = rlScale(p.Burst, share)
		}
		out[i] = p
	}
	return out
}

func rlScale(n int64, share float64) int64 {
	return max(1, int64(float64(n)*share))
}

// StoreFailures counts, process-wide, the store errors every limiter,
// concurrency limiter and quota of this package has met (each also counts its
// own). Export it to your metrics.
var StoreFailures atomic.Int64

// DefaultFailureRetryAfter is the Retry-After sent by FailClosed when the
// config sets none.
const DefaultFailureRetryAfter = time.Second

// rlFailure applies a failure policy to a store error: it returns nil to fail
// open, or the error to render.
type rlFailure struct {
	policy     FailurePolicy
	retryAfter time.Duration
	onError    func(ctx context.Context, err error)
	count      *atomic.Int64
	what       string
}

func (f *rlFailure) handle(ctx context.Context, key string, err error) *apierr.Error {
	StoreFailures.Add(1)
	f.count.Add(1)
	if f.onError != nil {
		f.onError(ctx, err)
	}
	slog.Default().LogAttrs(ctx, slog.LevelWarn, "ratelimit: store failed",
		slog.String("limiter", f.what), slog.String("policy", f.policy.String()),
		slog.String("request_id", apierr.RequestID(ctx)), slog.String("error", err.Error()))
	_ = key // keys may be tenant IDs: kept out of logs on purpose
	if f.policy == FailOpen || f.policy == FailLocal && f.what != "quota" {
		return nil
	}
	ra := f.retryAfter
	if ra <= 0 {
		ra = DefaultFailureRetryAfter
	}
	return apierr.Cond(apierr.CondUnavailable).WithRetryAfter(ra).WithCause(err)
}
