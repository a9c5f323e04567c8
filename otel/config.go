package apierrotel

import (
	"net/http"
	"sync"

	"github.com/apierr/apierr"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// ScopeName is the instrumentation scope of the meter apierrotel creates.
const ScopeName = "github.com/apierr/apierr/otel"

// OtherRoute is the http.route of an error response no route matched (an
// unknown path, a wrong method): every such response lands in this one
// series, so a scanner probing random paths cannot grow the metrics.
const OtherRoute = "_OTHER"

// Config configures New. Its zero value works: the global MeterProvider, no
// causes on spans, no trace ID in error bodies.
type Config struct {
	// MeterProvider creates the instruments; nil means
	// otel.GetMeterProvider(). Spans are never created here: errors are
	// recorded on the span already in the request's context (otelhttp's
	// server span), so the TracerProvider is whatever made that span.
	MeterProvider metric.MeterProvider
	// RecordCause decides whether an error's cause (apierr.Error.Cause, the
	// part that never reaches the client) is added to the span as an
	// "exception" event. nil means never: a cause may hold a query, a path
	// or a customer's data, and traces are read by more people than logs.
	// CauseOn5xx records the causes of server errors only.
	RecordCause func(e *apierr.Error) bool
	// TraceIDInBody puts the trace ID in every error body the request
	// renders ("trace_id" in the built-in formats), so a client quoting an
	// error quotes its trace. Off by default: the documented error shapes
	// stay exactly as the catalog declares them.
	TraceIDInBody bool
}

// CauseOn5xx is a Config.RecordCause that records the causes of 5xx errors,
// the ones an operator must chase, and not of 4xx (the client's to fix).
func CauseOn5xx(e *apierr.Error) bool { return e.Status >= 500 }

// Telemetry records an apierr service's errors in OpenTelemetry: on the
// active server span (Middleware), in metrics (Middleware and the outcome
// recorders) and on the caller's span of a client.Transport
// (InstrumentTransport). It is safe for concurrent use.
type Telemetry struct {
	cfg Config

	errors      metric.Int64Counter
	limits      metric.Int64Counter
	idempotency metric.Int64Counter

	// errorSets caches one attribute set per (code, condition, status,
	// route): their number is bounded by the catalog and the router, and a
	// cached set spares the error path an allocation per response.
	errorSets sync.Map // errorKey → []metric.AddOption
}

// New returns a Telemetry whose instruments come from cfg.MeterProvider.
func New(cfg Config) (*Telemetry, error) {
	mp := cfg.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(ScopeName)
	t := &Telemetry{cfg: cfg}
	var err error
	if t.errors, err = m.Int64Counter("apierr.server.errors",
		metric.WithUnit("{response}"),
		metric.WithDescription("Error responses sent, by catalog code (error.type), condition, status and route.")); err != nil {
		return nil, err
	}
	if t.limits, err = m.Int64Counter("apierr.ratelimit.outcomes",
		metric.WithUnit("{request}"),
		metric.WithDescription("Limiter decisions: admitted, limited or store_failure, by limiter kind.")); err != nil {
		return nil, err
	}
	if t.idempotency, err = m.Int64Counter("apierr.idempotency.outcomes",
		metric.WithUnit("{request}"),
		metric.WithDescription("Idempotency-Key outcomes: executed, replayed, in_use, reused, missing or store_failure.")); err != nil {
		return nil, err
	}
	return t, nil
}

// Must is New that panics on error, for package-level setup.
func Must(cfg Config) *Telemetry {
	t, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return t
}

// Middleware is New(cfg)'s Middleware in one call: install it inside
// middleware.Stack.
func Middleware(cfg Config) (func(http.Handler) http.Handler, error) {
	t, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return t.Middleware, nil
}
