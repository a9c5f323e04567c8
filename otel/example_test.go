package apierrotel_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// The server span of an error response: error.type is the catalog code, and
// a 4xx leaves the span's status unset.
func ExampleTelemetry_Middleware() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	tel := apierrotel.Must(apierrotel.Config{})

	mux := http.NewServeMux()
	mux.Handle("GET /fax/{id}", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondNotFound)
	}))
	quiet := slog.New(slog.DiscardHandler)
	h := otelhttp.NewHandler(middleware.Stack(nil, middleware.WithLogger(quiet))(tel.Middleware(mux)), "api",
		otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagation.TraceContext{}))

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/fax/fax_123", nil))
	sp := spans.GetSpans()[0]
	for _, kv := range sp.Attributes {
		switch kv.Key {
		case semconv.ErrorTypeKey, semconv.HTTPResponseStatusCodeKey, semconv.HTTPRouteKey, apierrotel.ConditionKey:
			fmt.Printf("%s=%s\n", kv.Key, kv.Value.String())
		}
	}
	fmt.Println(sp.Name, sp.Status.Code)
	// Output:
	// http.route=/fax/{id}
	// error.type=not_found
	// http.response.status_code=404
	// apierr.condition=not_found
	// GET /fax/{id} Unset
}

// A log record made with a traced context carries the trace and span IDs.
func ExampleLogHandler() {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(apierrotel.LogHandler(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime})))

	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	logger.WarnContext(ctx, "apierr: error response", "code", "not_found")
	// Output:
	// level=WARN msg="apierr: error response" code=not_found trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
}
