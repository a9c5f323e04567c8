package apierrotel

import (
	"github.com/apierr/apierr"
	"go.opentelemetry.io/otel/trace"
)

// beginTraceID arranges for the request's error bodies to carry the trace
// ID when Config.TraceIDInBody asks for it.
func (t *Telemetry) beginTraceID(st *apierr.State, span trace.Span) {
	if !t.cfg.TraceIDInBody || st == nil {
		return
	}
	_ = span // TODO: set on the State once it can carry a trace ID
}
