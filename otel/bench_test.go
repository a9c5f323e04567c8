package apierrotel_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// discardWriter is a ResponseWriter that keeps only its header map.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkErrorPath measures what one error response costs a request
// through the whole stack (request ID, logger with one JSON record per
// error, recover, normalizer, ServeMux, a handler returning not_found),
// bare and instrumented. Besides wall time it reports cpu-ns/op, the
// process's CPU time per request (the batch span processor's and the GC's
// included): on a shared machine the figure to compare. See BENCHMARKS.md
// ("OpenTelemetry").
//
//   - bare: middleware.Stack alone.
//   - otel-noop: Middleware and LogHandler with a no-op MeterProvider and
//     no span (what an instrumented build pays where telemetry is off).
//   - otelhttp-noop / otelhttp+otel-noop: otelhttp's server handler with
//     no-op providers, without and with apierrotel.
//   - otelhttp-sdk / otelhttp+otel-sdk: the same with the SDK's real
//     TracerProvider (every span sampled, batched to a no-op exporter) and
//     MeterProvider (a manual reader, as a pull exporter would use).
func BenchmarkErrorPath(b *testing.B) {
	noopTP, noopMP := tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()
	sdkTP := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	sdkMP := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = sdkTP.Shutdown(context.Background()); _ = sdkMP.Shutdown(context.Background()) })

	mux := http.NewServeMux()
	mux.Handle("GET /things/{id}", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondNotFound)
	}))
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	traced := slog.New(apierrotel.LogHandler(slog.NewJSONHandler(io.Discard, nil)))
	bare := middleware.Stack(nil, middleware.WithLogger(logger))(mux)
	instrumented := func(mp *sdkmetric.MeterProvider) http.Handler {
		cfg := apierrotel.Config{MeterProvider: noopMP}
		if mp != nil {
			cfg.MeterProvider = mp
		}
		return middleware.Stack(nil, middleware.WithLogger(traced))(apierrotel.Must(cfg).Middleware(mux))
	}
	withOtelhttp := func(h http.Handler, sdk bool) http.Handler {
		opts := []otelhttp.Option{otelhttp.WithPropagators(propagation.TraceContext{}),
			otelhttp.WithTracerProvider(noopTP), otelhttp.WithMeterProvider(noopMP)}
		if sdk {
			opts = append(opts, otelhttp.WithTracerProvider(sdkTP), otelhttp.WithMeterProvider(sdkMP))
		}
		return otelhttp.NewHandler(h, "api", opts...)
	}
	cases := []struct {
		name string
		h    http.Handler
	}{
		{"bare", bare},
		{"otel-noop", instrumented(nil)},
		{"otelhttp-noop", withOtelhttp(bare, false)},
		{"otelhttp+otel-noop", withOtelhttp(instrumented(nil), false)},
		{"otelhttp-sdk", withOtelhttp(bare, true)},
		{"otelhttp+otel-sdk", withOtelhttp(instrumented(sdkMP), true)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/things/42", nil)
			req.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			w := &discardWriter{h: make(http.Header, 8)}
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, req)
			}
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
