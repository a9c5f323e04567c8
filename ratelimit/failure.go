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
)

// String returns "fail_open" or "fail_closed".
func (f FailurePolicy) String() string {
	if f == FailClosed {
		return "fail_closed"
	}
	return "fail_open"
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
	if f.policy == FailOpen {
		return nil
	}
	ra := f.retryAfter
	if ra <= 0 {
		ra = DefaultFailureRetryAfter
	}
	return apierr.Cond(apierr.CondUnavailable).WithRetryAfter(ra).WithCause(err)
}
