// Command demo runs apierr's demo fax API (examples/fax, the API `apierr
// demo` serves) instrumented with OpenTelemetry through apierrotel:
//
//	go run ./otel/cmd/demo                       # traceparent honoured, trace IDs in the log; nothing exported
//	go run ./otel/cmd/demo --otel stdout         # spans and metrics printed to stdout
//	go run ./otel/cmd/demo --otel otlp           # OTLP/HTTP to $OTEL_EXPORTER_OTLP_ENDPOINT (default localhost:4318)
//
// It lives in the otel module, not in cmd/apierr: the apierr module (and
// so the apierr command) must not depend on OpenTelemetry. Everything but
// the wiring below is the fax package's own: its catalog, handlers, keys
// and seeded faxes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/apierr/apierr/examples/fax"
	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

var _ fax.Observer = (*apierrotel.Telemetry)(nil)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "demo:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (port 0 picks a free one)")
	exporter := fs.String("otel", "none", "where telemetry goes: none (trace IDs still reach the log), stdout, or otlp (OTLP/HTTP; OTEL_EXPORTER_OTLP_* variables apply)")
	interval := fs.Duration("metrics-interval", 30*time.Second, "how often metrics are exported (stdout, otlp)")
	traceInBody := fs.Bool("trace-id-in-body", false, "add trace_id to error bodies (off: the seed's shapes exactly)")
	causes := fs.Bool("causes", false, "record 5xx causes on spans as exception events")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./otel/cmd/demo [--addr 127.0.0.1:8080] [--otel none|stdout|otlp]")
		fmt.Fprintln(stderr, "\nRuns the demo fax API (see `apierr demo`) with OpenTelemetry: otelhttp server spans from the")
		fmt.Fprintln(stderr, "request's traceparent, apierr's error attributes and metrics, trace_id and span_id in the log.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	tp, mp, shutdown, err := providers(ctx, *exporter, stdout, *interval)
	if err != nil {
		return err
	}
	defer shutdown()
	cfg := apierrotel.Config{MeterProvider: mp, TraceIDInBody: *traceInBody}
	if *causes {
		cfg.RecordCause = apierrotel.CauseOn5xx
	}
	tel, err := apierrotel.New(cfg)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	cat, err := fax.NewCatalog(base + "/docs/errors/{slug}")
	if err != nil {
		return err
	}
	logger := slog.New(apierrotel.LogHandler(slog.NewTextHandler(stderr, nil)))
	srv, err := fax.NewDemo(fax.Config{Catalog: cat, Logger: logger, Observer: tel})
	if err != nil {
		return err
	}
	stopTx := srv.Start()
	defer stopTx()
	handler := otelhttp.NewHandler(srv, "fax",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))

	fmt.Fprintf(stdout, "apierr otel demo: the fax API on %s, telemetry to %s\n", base, *exporter)
	fmt.Fprintf(stdout, "  curl -si %s/account/balance -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'\n", base)
	fmt.Fprintf(stdout, "  # 401 api_key_missing; its log line on stderr carries trace_id=4bf92f3577b34da6a3ce929d0e0e4736\n")
	fmt.Fprintf(stdout, "  keys: sandbox %s, live %s (see `go run ./cmd/apierr demo` for every error)\n", fax.DemoSandboxKey, fax.DemoLiveKey)
	return serve(ctx, ln, handler)
}

// providers returns the tracer and meter providers for exporter, and what
// flushes and stops them.
func providers(ctx context.Context, exporter string, stdout io.Writer, interval time.Duration) (trace.TracerProvider, metric.MeterProvider, func(), error) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	var (
		spans   sdktrace.SpanExporter
		metrics sdkmetric.Exporter
		err     error
	)
	switch exporter {
	case "none":
		// No SDK: the no-op tracer keeps the caller's trace and span IDs in
		// the context, so log lines still carry the traceparent's trace ID.
		return tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider(), func() {}, nil
	case "stdout":
		if spans, err = stdouttrace.New(stdouttrace.WithWriter(stdout)); err == nil {
			metrics, err = stdoutmetric.New(stdoutmetric.WithWriter(stdout))
		}
	case "otlp":
		if spans, err = otlptracehttp.New(ctx); err == nil {
			metrics, err = otlpmetrichttp.New(ctx)
		}
	default:
		return nil, nil, nil, fmt.Errorf("--otel: %q is not none, stdout or otlp", exporter)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	res := resource.NewSchemaless(semconv.ServiceName("apierr-fax-demo"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spans), sdktrace.WithResource(res))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics, sdkmetric.WithInterval(interval))))
	return tp, mp, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(sctx) // flushes the spans still batched
		_ = mp.Shutdown(sctx) // exports the metrics one last time
	}, nil
}

// serve serves h on ln until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
