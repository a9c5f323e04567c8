package apierr

import (
	"context"
	"log/slog"
	"time"
)

// FailureMode says what a layer does with a request when the store it
// depends on (Redis, a key database) cannot answer.
type FailureMode uint8

// The failure modes.
const (
	// FailDefault is the layer's own default, which its Config documents:
	// FailOpen for ratelimit's limiters and quotas, FailClosed for
	// idempotency and authentication.
	FailDefault FailureMode = iota
	// FailOpen lets the request through without the layer's protection
	// (an outage of a limiter's store is not an outage of the API).
	FailOpen
	// FailClosed refuses the request with CondUnavailable (503) and a
	// Retry-After.
	FailClosed
	// FailLocal decides in this process while the store fails (the
	// limiters keep an in-process store for it). A layer that cannot decide
	// without its store (a quota, idempotency, authentication) fails closed.
	FailLocal
)

// String returns "default", "fail_open", "fail_closed" or "fail_local".
func (m FailureMode) String() string {
	switch m {
	case FailOpen:
		return "fail_open"
	case FailClosed:
		return "fail_closed"
	case FailLocal:
		return "fail_local"
	}
	return "default"
}

// DefaultUnavailableRetryAfter is the Retry-After of a 503 answered for a
// failing store when neither the FailurePolicy nor the layer sets one.
const DefaultUnavailableRetryAfter = 5 * time.Second

// FailurePolicy is how a layer that depends on a store meets the store's
// failures: whether the request goes on, the Retry-After of a refusal,
// where the failure is logged and who else hears of it. The ratelimit,
// idempotency and auth Configs embed it, so they all speak of store
// failures, and take their logger, the same way. Its zero value is each
// layer's documented default.
//
// Nothing here is global: a layer resolves the policy once, when it is
// built (Resolve), so the request path never looks a default up.
type FailurePolicy struct {
	// Mode says what happens to the request (default FailDefault: the
	// layer's own).
	Mode FailureMode
	// UnavailableRetryAfter is the Retry-After of the 503 when failing
	// closed (default: the layer's; DefaultUnavailableRetryAfter where it
	// names none).
	UnavailableRetryAfter time.Duration
	// Logger receives one record per store failure and the layer's other
	// operational records. Nil means slog.Default() as it is when the
	// layer is built.
	Logger *slog.Logger
	// OnError, when set, is called with every store failure before the mode
	// applies: a counter hook for metrics or tracing. It must be safe for
	// concurrent use and quick.
	OnError func(ctx context.Context, err error)
}

// Resolve returns p with the defaults of the layer that embeds it filled
// in: mode for FailDefault, retryAfter for a zero UnavailableRetryAfter
// (DefaultUnavailableRetryAfter if that is zero too), slog.Default() for a
// nil Logger. A layer that cannot decide without its store passes
// FailClosed and maps FailLocal to it itself.
func (p FailurePolicy) Resolve(mode FailureMode, retryAfter time.Duration) FailurePolicy {
	if p.Mode == FailDefault {
		p.Mode = mode
	}
	if p.UnavailableRetryAfter <= 0 {
		p.UnavailableRetryAfter = retryAfter
	}
	if p.UnavailableRetryAfter <= 0 {
		p.UnavailableRetryAfter = DefaultUnavailableRetryAfter
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return p
}

// Fail applies a resolved policy to err, a failure of the store behind
// layer ("ratelimit", "idempotency", "auth"…): it calls OnError, logs one
// record and returns nil when the request goes on (FailOpen) or the layer
// decides locally (FailLocal), else CondUnavailable with Retry-After and
// err as its cause (logged by the runtime, never sent). The record is at
// error level when the request goes on unprotected (nothing else will show
// it), warning otherwise (the 503, or the local decision, shows it). attrs
// are added to the record; they must not carry secrets.
func (p *FailurePolicy) Fail(ctx context.Context, layer string, err error, attrs ...slog.Attr) *Error {
	if p.OnError != nil {
		p.OnError(ctx, err)
	}
	level, msg := slog.LevelWarn, ": store failed; request refused"
	switch p.Mode {
	case FailOpen:
		level, msg = slog.LevelError, ": store failed; request let through unprotected"
	case FailLocal:
		msg = ": store failed; deciding in this process"
	}
	if p.Logger != nil && p.Logger.Enabled(ctx, level) {
		all := make([]slog.Attr, 0, 4+len(attrs))
		all = append(all,
			slog.String("layer", layer),
			slog.String("policy", p.Mode.String()),
			slog.String("request_id", RequestID(ctx)),
			slog.String("error", err.Error()))
		p.Logger.LogAttrs(ctx, level, layer+msg, append(all, attrs...)...)
	}
	if p.Mode == FailOpen || p.Mode == FailLocal {
		return nil
	}
	return Cond(CondUnavailable).WithRetryAfter(p.UnavailableRetryAfter).WithCause(err)
}
