package apierrotel

import (
	"context"
	"net/http"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys of the limiter and idempotency outcome counters and span
// events.
const (
	// LimitKindKey is the limiter: "rate", "concurrency" or "quota".
	LimitKindKey = attribute.Key("apierr.ratelimit.kind")
	// LimitOutcomeKey is what the limiter decided: "admitted", "limited"
	// or "store_failure".
	LimitOutcomeKey = attribute.Key("apierr.ratelimit.outcome")
	// IdempotencyOutcomeKey is what became of a request's Idempotency-Key:
	// "executed", "replayed", "in_use", "reused", "missing" or
	// "store_failure".
	IdempotencyOutcomeKey = attribute.Key("apierr.idempotency.outcome")
)

// Limiter outcomes (LimitOutcomeKey).
const (
	LimitAdmitted     = "admitted"
	LimitLimited      = "limited"
	LimitStoreFailure = "store_failure"
)

// Idempotency outcomes (IdempotencyOutcomeKey).
const (
	IdempotencyExecuted     = "executed"
	IdempotencyReplayed     = "replayed"
	IdempotencyInUse        = "in_use"
	IdempotencyReused       = "reused"
	IdempotencyMissing      = "missing"
	IdempotencyStoreFailure = "store_failure"
)

// Limiter kinds (LimitKindKey).
const (
	LimitRate        = "rate"
	LimitConcurrency = "concurrency"
	LimitQuota       = "quota"
)

// outcomes records what the response itself tells about limits and
// idempotency keys: a limit's condition, an idempotency conflict, a replay.
func (t *Telemetry) outcomes(ctx context.Context, h http.Header, e *apierr.Error) {
	if v := h[idempotency.ReplayedHeader]; len(v) == 1 && v[0] == "true" {
		t.IdempotencyOutcome(ctx, IdempotencyReplayed)
	}
	if e == nil {
		return
	}
	switch e.Condition {
	case apierr.CondRateLimited:
		t.LimitOutcome(ctx, LimitRate, LimitLimited)
	case apierr.CondConcurrencyLimited:
		t.LimitOutcome(ctx, LimitConcurrency, LimitLimited)
	case apierr.CondQuotaExceeded:
		t.LimitOutcome(ctx, LimitQuota, LimitLimited)
	case apierr.CondIdempotencyKeyInUse:
		t.IdempotencyOutcome(ctx, IdempotencyInUse)
	case apierr.CondIdempotencyKeyReused:
		t.IdempotencyOutcome(ctx, IdempotencyReused)
	case apierr.CondIdempotencyKeyMissing:
		t.IdempotencyOutcome(ctx, IdempotencyMissing)
	}
}

// limitSets and idemSets hold the attribute sets of every outcome, built
// once: recording an outcome allocates nothing.
var (
	limitSets = func() map[[2]string][]metric.AddOption {
		m := map[[2]string][]metric.AddOption{}
		for _, k := range []string{LimitRate, LimitConcurrency, LimitQuota} {
			for _, o := range []string{LimitAdmitted, LimitLimited, LimitStoreFailure} {
				m[[2]string{k, o}] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(LimitKindKey.String(k), LimitOutcomeKey.String(o)))}
			}
		}
		return m
	}()
	idemSets = func() map[string][]metric.AddOption {
		m := map[string][]metric.AddOption{}
		for _, o := range []string{IdempotencyExecuted, IdempotencyReplayed, IdempotencyInUse, IdempotencyReused, IdempotencyMissing, IdempotencyStoreFailure} {
			m[o] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(IdempotencyOutcomeKey.String(o)))}
		}
		return m
	}()
)

// LimitOutcome counts one limiter decision in apierr.ratelimit.outcomes and,
// for any but "admitted", adds an "apierr.ratelimit" event to the span in
// ctx. kind is LimitRate, LimitConcurrency or LimitQuota; outcome one of
// the Limit* outcomes. Middleware already records "limited" from the
// response; the store-failure hooks record "store_failure"; ObserveLimit
// records "admitted".
func (t *Telemetry) LimitOutcome(ctx context.Context, kind, outcome string) {
	if t.limits.Enabled(ctx) {
		o, ok := limitSets[[2]string{kind, outcome}]
		if !ok {
			o = []metric.AddOption{metric.WithAttributes(LimitKindKey.String(kind), LimitOutcomeKey.String(outcome))}
		}
		t.limits.Add(ctx, 1, o...)
	}
	if outcome != LimitAdmitted {
		if span := trace.SpanFromContext(ctx); span.IsRecording() {
			span.AddEvent("apierr.ratelimit", trace.WithAttributes(LimitKindKey.String(kind), LimitOutcomeKey.String(outcome)))
		}
	}
}

// IdempotencyOutcome counts one Idempotency-Key outcome in
// apierr.idempotency.outcomes and adds an "apierr.idempotency" event to the
// span in ctx. Middleware records replayed, in_use, reused and missing from
// the response; IdempotencyStoreError records store_failure;
// ObserveIdempotency records executed.
func (t *Telemetry) IdempotencyOutcome(ctx context.Context, outcome string) {
	if t.idempotency.Enabled(ctx) {
		o, ok := idemSets[outcome]
		if !ok {
			o = []metric.AddOption{metric.WithAttributes(IdempotencyOutcomeKey.String(outcome))}
		}
		t.idempotency.Add(ctx, 1, o...)
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent("apierr.idempotency", trace.WithAttributes(IdempotencyOutcomeKey.String(outcome)))
	}
}

// RateLimitStoreError is an apierr.FailurePolicy OnError for a rate
// limiter (ratelimit.Config.FailurePolicy): it records a store
// failure of a rate limiter (Redis down or slow), whatever the failure
// policy then does.
func (t *Telemetry) RateLimitStoreError(ctx context.Context, err error) {
	t.LimitOutcome(ctx, LimitRate, LimitStoreFailure)
	t.storeErrorEvent(ctx, err)
}

// LimitStoreError returns the FailurePolicy OnError of a limiter of kind
// (LimitConcurrency for a concurrency limiter, LimitQuota for a quota):
// RateLimitStoreError for the others.
func (t *Telemetry) LimitStoreError(kind string) func(ctx context.Context, err error) {
	return func(ctx context.Context, err error) {
		t.LimitOutcome(ctx, kind, LimitStoreFailure)
		t.storeErrorEvent(ctx, err)
	}
}

func (t *Telemetry) storeErrorEvent(ctx context.Context, err error) {
	if span := trace.SpanFromContext(ctx); span.IsRecording() && t.cfg.RecordCause != nil {
		// A store error is an operator's, never a client's: record it when
		// causes are recorded at all.
		span.RecordError(err)
	}
}

// IdempotencyStoreError is an apierr.FailurePolicy OnError for the
// idempotency middleware (idempotency.Config.FailurePolicy): it records a
// failure of the Idempotency-Key store (taking, renewing, saving or
// releasing a key), whether the request then fails (503) or runs without
// idempotency (FailOpen).
func (t *Telemetry) IdempotencyStoreError(ctx context.Context, err error) {
	t.IdempotencyOutcome(ctx, IdempotencyStoreFailure)
	t.storeErrorEvent(ctx, err)
}

// ObserveIdempotency wraps an idempotency middleware (idempotency.New's)
// so that each keyed request whose handler runs counts as "executed":
// the first request of its key, or one run without idempotency because
// the store failed and FailOpen is set. Replays, keys in use or reused are
// recorded by Middleware from the response. header is the key's header;
// "" means "Idempotency-Key".
func (t *Telemetry) ObserveIdempotency(header string, idem func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	if header == "" {
		header = "Idempotency-Key"
	}
	header = http.CanonicalHeaderKey(header)
	return func(next http.Handler) http.Handler {
		// A pass-through Raiser, so apierr.Routes still sees next.
		executed := apierr.RaisingHandler(next, nil, func(w http.ResponseWriter, r *http.Request) {
			if len(r.Header[header]) > 0 {
				t.IdempotencyOutcome(r.Context(), IdempotencyExecuted)
			}
			next.ServeHTTP(w, r)
		})
		return idem(executed)
	}
}

// ObserveLimit wraps a limiter's middleware (ratelimit.Limiter.Middleware,
// a concurrency limiter's, a quota's) so that each request it lets through
// counts as "admitted" under kind. Refusals are recorded by Middleware from
// the response.
func (t *Telemetry) ObserveLimit(kind string, limit func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		admitted := apierr.RaisingHandler(next, nil, func(w http.ResponseWriter, r *http.Request) {
			t.LimitOutcome(r.Context(), kind, LimitAdmitted)
			next.ServeHTTP(w, r)
		})
		return limit(admitted)
	}
}
