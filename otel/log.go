package apierrotel

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Log attribute names LogHandler adds.
const (
	TraceIDLogKey = "trace_id"
	SpanIDLogKey  = "span_id"
)

// LogHandler returns a slog.Handler that adds trace_id and span_id (W3C
// hex) of the span in each record's context to the records h handles, so a
// log line joins its trace. apierr's layers log with the request's context
// (middleware.Stack's one record per error response, the limiters' and the
// idempotency middleware's store failures), so wrapping the handler of the
// logger they are given is all it takes:
//
//	logger := slog.New(apierrotel.LogHandler(slog.NewJSONHandler(os.Stderr, nil)))
//	middleware.Stack(cat, middleware.WithLogger(logger))
//
// A record whose context carries no valid span is passed on unchanged.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ next slog.Handler }

func (h logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		// The record may be shared with other handlers: add to a copy.
		r = r.Clone()
		r.AddAttrs(slog.String(TraceIDLogKey, sc.TraceID().String()), slog.String(SpanIDLogKey, sc.SpanID().String()))
	}
	return h.next.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.next.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.next.WithGroup(name)} }
