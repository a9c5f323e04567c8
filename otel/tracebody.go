package apierrotel

import (
	"github.com/apierr/apierr"
	"go.opentelemetry.io/otel/trace"
)

// beginTraceID gives the request's State the trace ID, so that every error
// body the request renders carries it, when Config.TraceIDInBody asks for
// it. The State is shared by every layer of the stack, so errors rendered
// outside this middleware (the normalizer's 404 and 405) carry it too.
func (t *Telemetry) beginTraceID(st *apierr.State, span trace.Span) {
	if !t.cfg.TraceIDInBody {
		return
	}
	if sc := span.SpanContext(); sc.IsValid() {
		st.SetTraceID(sc.TraceID().String())
	}
}
