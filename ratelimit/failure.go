package ratelimit

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

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

// DefaultFailureRetryAfter is the Retry-After of the 503 a limiter or quota
// failing closed sends when its FailurePolicy sets none.
const DefaultFailureRetryAfter = time.Second

// rlFailure applies a limiter's resolved FailurePolicy to a store error and
// counts it: nil to go on (open, or local: the limiter then decides in
// process), or the error to render.
type rlFailure struct {
	policy apierr.FailurePolicy
	count  *atomic.Int64
	what   string // "rate", "concurrency" or "quota", for the log record
}

// raises lists cond, and the unavailable condition when a store failure
// fails closed: what a limiter's middleware may answer with (apierr.Raiser).
func (f rlFailure) raises(cond apierr.Condition) []apierr.Condition {
	if f.policy.Mode == apierr.FailClosed {
		return []apierr.Condition{cond, apierr.CondUnavailable}
	}
	return []apierr.Condition{cond}
}

func newRLFailure(p apierr.FailurePolicy, count *atomic.Int64, what string) rlFailure {
	p = p.Resolve(apierr.FailOpen, DefaultFailureRetryAfter)
	if what == "quota" && p.Mode == apierr.FailLocal {
		p.Mode = apierr.FailClosed // usage counted elsewhere cannot be known in one process
	}
	return rlFailure{policy: p, count: count, what: what}
}

// handle counts err and applies the policy. The key is kept out of the log:
// it may be a tenant ID.
func (f *rlFailure) handle(ctx context.Context, err error) *apierr.Error {
	f.count.Add(1)
	return f.policy.Fail(ctx, "ratelimit", err, slog.String("limiter", f.what))
}
