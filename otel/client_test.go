package apierrotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
	"github.com/apierr/apierr/middleware"
	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// flaky answers 503 service_unavailable (Retry-After: 2) to its first
// failures requests, then 200.
func flaky(failures int32) http.Handler {
	var n atomic.Int32
	return middleware.Stack(nil)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if n.Add(1) <= failures {
			return apierr.Cond(apierr.CondUnavailable).WithRetryAfter(2 * time.Second)
		}
		_, err := w.Write([]byte("ok"))
		return err
	}))
}

// TestTransportAttempts: each attempt of a client.Transport is an event on
// the caller's span (number, status, decoded code, wait), and otelhttp's
// Transport as Base adds a client span per attempt under the caller's.
func TestTransportAttempts(t *testing.T) {
	tests := []struct {
		name     string
		failures int32
		retries  int
		want     []attemptWant
		giveUp   string
	}{
		{name: "retried then served", failures: 2, retries: 3, want: []attemptWant{
			{attempt: 1, status: 503, code: "service_unavailable", wait: 2},
			{attempt: 2, status: 503, code: "service_unavailable", wait: 2},
			{attempt: 3, status: 200},
		}},
		{name: "retries spent: the last response is handed back", failures: 9, retries: 1, want: []attemptWant{
			{attempt: 1, status: 503, code: "service_unavailable", wait: 2},
			{attempt: 2, status: 503, code: "503"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(flaky(tt.failures))
			defer srv.Close()
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			defer tp.Shutdown(context.Background())
			tel := apierrotel.Must(apierrotel.Config{})

			var slept []time.Duration
			tr := &client.Transport{
				Base:       otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagation.TraceContext{})),
				MaxRetries: tt.retries,
				Sleep:      func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil },
			}
			hc := &http.Client{Transport: tel.InstrumentTransport(tr)}

			ctx, caller := tp.Tracer("test").Start(context.Background(), "caller")
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			caller.End()

			var callerSpan tracetest.SpanStub
			attempts := 0
			for _, sp := range spans.GetSpans() {
				switch {
				case sp.Name == "caller":
					callerSpan = sp
				case sp.SpanKind == trace.SpanKindClient:
					attempts++
					if sp.Parent.SpanID() != caller.SpanContext().SpanID() {
						t.Errorf("attempt span's parent %s, want the caller %s", sp.Parent.SpanID(), caller.SpanContext().SpanID())
					}
				}
			}
			if attempts != len(tt.want) {
				t.Errorf("%d otelhttp client spans, want one per attempt (%d)", attempts, len(tt.want))
			}
			var evs []sdktrace.Event
			for _, ev := range callerSpan.Events {
				if ev.Name == apierrotel.AttemptEvent {
					evs = append(evs, ev)
				}
			}
			if len(evs) != len(tt.want) {
				t.Fatalf("%d attempt events, want %d: %+v", len(evs), len(tt.want), callerSpan.Events)
			}
			for i, w := range tt.want {
				w.check(t, evs[i].Attributes)
			}
		})
	}
}

type attemptWant struct {
	attempt, status int
	code            string
	wait            float64
}

func (w attemptWant) check(t *testing.T, attrs []attribute.KeyValue) {
	t.Helper()
	if v, _ := attrOf(attrs, apierrotel.AttemptKey); v.AsInt64() != int64(w.attempt) {
		t.Errorf("attempt %d: apierr.client.attempt = %d", w.attempt, v.AsInt64())
	}
	if v, ok := attrOf(attrs, semconv.HTTPRequestResendCountKey); (w.attempt > 1) != ok || (ok && v.AsInt64() != int64(w.attempt-1)) {
		t.Errorf("attempt %d: http.request.resend_count = %v (set %v)", w.attempt, v.AsInt64(), ok)
	}
	if v, _ := attrOf(attrs, semconv.HTTPResponseStatusCodeKey); v.AsInt64() != int64(w.status) {
		t.Errorf("attempt %d: status %d, want %d", w.attempt, v.AsInt64(), w.status)
	}
	if v, _ := attrOf(attrs, semconv.ErrorTypeKey); v.AsString() != w.code {
		t.Errorf("attempt %d: error.type %q, want %q", w.attempt, v.AsString(), w.code)
	}
	if v, ok := attrOf(attrs, apierrotel.WaitKey); (w.wait > 0) != ok || v.AsFloat64() != w.wait {
		t.Errorf("attempt %d: wait %v (set %v), want %v", w.attempt, v.AsFloat64(), ok, w.wait)
	}
}

// TestTransportGiveUp: a transport failure the Transport gives up on is the
// last attempt's event, with the reason.
func TestTransportGiveUp(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens: every attempt fails to connect
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	tel := apierrotel.Must(apierrotel.Config{})
	tr := &client.Transport{MaxRetries: 1, Sleep: func(context.Context, time.Duration) error { return nil }}
	hc := &http.Client{Transport: tel.InstrumentTransport(tr)}
	ctx, caller := tp.Tracer("test").Start(context.Background(), "caller")
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if _, err := hc.Do(req); err == nil {
		t.Fatal("no error from a closed server")
	}
	caller.End()
	evs := spans.GetSpans()[0].Events
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2: %+v", len(evs), evs)
	}
	last := evs[1].Attributes
	if v, _ := attrOf(last, apierrotel.GiveUpKey); v.AsString() != "retries_exhausted" {
		t.Errorf("give_up = %q", v.AsString())
	}
	if v, _ := attrOf(last, semconv.ErrorTypeKey); v.AsString() == "" {
		t.Errorf("no error.type on a transport failure")
	}
	if v, _ := attrOf(last, apierrotel.AttemptKey); v.AsInt64() != 2 {
		t.Errorf("last attempt %d, want 2", v.AsInt64())
	}
}
