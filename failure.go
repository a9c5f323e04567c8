package apierr

import (
	"context"
	"log/slog"
	"time"

	"github.com/apierr/apierr/internal/logsample"
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
	// Logger receives the records of store failures and the layer's other
	// operational records. Nil means slog.Default() as it is when the
	// layer is built.
	Logger *slog.Logger
	// OnError, when set, is called with every store failure before the mode
	// applies: a counter hook for metrics or tracing. It must be safe for
	// concurrent use and quick.
	OnError func(ctx context.Context, err error)
	// LogInterval bounds the records of an outage: the first failure of
	// each interval is logged in full, the others only counted, and when
	// the interval ends one record says how many there were and the last
	// one's error ("ratelimit: store failed 1,234 more times in the last
	// 10s; …"). Default DefaultFailureLogInterval; negative logs every
	// failure. OnError still hears of each one.
	LogInterval time.Duration
	// Now is LogInterval's clock (default time.Now); AfterFunc runs f after
	// d and returns a function that cancels it (default time.AfterFunc and
	// its Timer's Stop), the timer that writes an interval's count when no
	// failure follows. They are the seams tests move time with. (A Config
	// with fields of these names of its own, such as idempotency.Config's
	// AfterFunc, hides them: set them in its FailurePolicy field.)
	Now       func() time.Time
	AfterFunc func(d time.Duration, f func()) (stop func() bool)

	sampler *failureSampler // made by Resolve; nil: log every failure
}

// FlushLogs writes now the counts of the log records left out so far, which
// are otherwise written when their interval ends: those of the middleware's
// sampling of error responses (middleware.WithSampling), of
// FailurePolicy.LogInterval and of the idempotency layer's per-key store
// records. Call it when the process shuts down, once the server has stopped
// serving, so that the last interval's counts are not lost with it.
func FlushLogs() { logsample.FlushAll() }

// DefaultFailureLogInterval is FailurePolicy.LogInterval's default: a
// failing store writes about one record per layer every 10 seconds.
const DefaultFailureLogInterval = 10 * time.Second

// failureNote is what a sampled-out failure leaves for its interval's
// record: enough to write it without the request.
type failureNote struct {
	layer  string
	mode   FailureMode
	err    error
	logger *slog.Logger
}

type failureSampler = logsample.Sampler[struct{}, failureNote]

func (n failureNote) level() (slog.Level, string) {
	switch n.mode {
	case FailOpen:
		return slog.LevelError, "request let through unprotected"
	case FailLocal:
		return slog.LevelWarn, "deciding in this process"
	}
	return slog.LevelWarn, "request refused"
}

func logFailureSummary(sum logsample.Summary[struct{}, failureNote]) {
	n := sum.Last
	if n.logger == nil {
		return
	}
	level, what := n.level()
	times := " more times"
	if sum.Suppressed == 1 {
		times = " more time"
	}
	msg := n.layer + ": store failed " + logsample.Thousands(sum.Suppressed) + times + " in the last " + sum.Interval.String() + "; each " + what
	n.logger.LogAttrs(context.Background(), level, msg,
		slog.String("layer", n.layer),
		slog.String("policy", n.mode.String()),
		slog.Int64("failures", sum.Suppressed),
		slog.Duration("interval", sum.Interval),
		slog.Time("since", sum.Start),
		slog.String("error", n.err.Error()))
}

// Resolve returns p with the defaults of the layer that embeds it filled
// in: mode for FailDefault, retryAfter for a zero UnavailableRetryAfter
// (DefaultUnavailableRetryAfter if that is zero too), slog.Default() for a
// nil Logger, and the state LogInterval keeps, which the copies of the
// result share. A layer that cannot decide without its store passes
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
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.LogInterval == 0 {
		p.LogInterval = DefaultFailureLogInterval
	}
	p.sampler = nil
	if p.LogInterval > 0 {
		p.sampler = logsample.New(logsample.Config{First: 1, Interval: p.LogInterval, AfterFunc: p.AfterFunc}, logFailureSummary)
	}
	return p
}

// Fail applies a resolved policy to err, a failure of the store behind
// layer ("ratelimit", "idempotency", "auth"…): it calls OnError, logs a
// record (the first failure of each LogInterval; the interval's count
// follows at its end) and returns nil when the request goes on (FailOpen)
// or the layer decides locally (FailLocal), else CondUnavailable with
// Retry-After and err as its cause (logged by the runtime, never sent).
// The record is at error level when the request goes on unprotected
// (nothing else will show it), warning otherwise (the 503, or the local
// decision, shows it). attrs are added to the record; they must not carry
// secrets. A failure left out of the log costs no allocation.
func (p *FailurePolicy) Fail(ctx context.Context, layer string, err error, attrs ...slog.Attr) *Error {
	if p.OnError != nil {
		p.OnError(ctx, err)
	}
	note := failureNote{layer: layer, mode: p.Mode, err: err, logger: p.Logger}
	level, what := note.level()
	if p.Logger != nil && p.Logger.Enabled(ctx, level) && (p.sampler == nil || p.sampler.Allow(struct{}{}, p.Now(), note)) {
		msg := ": store failed; " + what
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
