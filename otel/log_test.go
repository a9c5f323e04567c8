package apierrotel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/otel/trace"
)

// TestErrorLogCarriesTrace: the stack's record of an error response carries
// the trace ID of the request's traceparent and the server span's ID.
func TestErrorLogCarriesTrace(t *testing.T) {
	s := newService(t, apierrotel.Config{})
	res := s.do(t, call{method: "GET", path: "/boom"})
	sp := s.span(t, res.traceID)
	var rec map[string]any
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, `"apierr: error response"`) {
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rec == nil {
		t.Fatalf("no error record in %s", s.logs.String())
	}
	if rec["trace_id"] != res.traceID.String() || rec["span_id"] != sp.SpanContext.SpanID().String() {
		t.Errorf("record trace_id %v span_id %v, want %s %s", rec["trace_id"], rec["span_id"], res.traceID, sp.SpanContext.SpanID())
	}
	if rec["request_id"] != res.requestID || rec["code"] != "internal_error" {
		t.Errorf("record %v", rec)
	}
}

// TestLogHandlerWithoutSpan: a record outside any trace is passed on as is,
// and attributes and groups reach the wrapped handler.
func TestLogHandlerWithoutSpan(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(apierrotel.LogHandler(slog.NewJSONHandler(&buf, nil))).With("svc", "fax").WithGroup("g")
	l.InfoContext(context.Background(), "plain", "k", 1)
	if got := buf.String(); strings.Contains(got, "trace_id") || !strings.Contains(got, `"svc":"fax","g":{"k":1}`) {
		t.Errorf("got %s", got)
	}
	buf.Reset()
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	slog.New(apierrotel.LogHandler(slog.NewJSONHandler(&buf, nil))).InfoContext(ctx, "traced")
	if got := buf.String(); !strings.Contains(got, `"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"`) {
		t.Errorf("got %s", got)
	}
}
