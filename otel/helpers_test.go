package apierrotel_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	apierrotel "github.com/apierr/apierr/otel"
	"github.com/apierr/apierr/ratelimit"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

const testKey = "key-acme"

// lockedBuffer is written by the server's goroutines and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// failingStores fail while their flag is set.
type failingRateStore struct {
	ratelimit.Store
	fail *atomic.Bool
}

func (s failingRateStore) Allow(ctx context.Context, key string, cost int64, p []ratelimit.Policy, out []ratelimit.Status) (bool, error) {
	if s.fail.Load() {
		return false, errors.New("redis: connection refused")
	}
	return s.Store.Allow(ctx, key, cost, p, out)
}

type failingIdemStore struct {
	idempotency.Store
	fail *atomic.Bool
}

func (s failingIdemStore) Acquire(ctx context.Context, key string, rec *idempotency.Record, lease time.Duration) (*idempotency.Record, error) {
	if s.fail.Load() {
		return nil, errors.New("redis: i/o timeout")
	}
	return s.Store.Acquire(ctx, key, rec, lease)
}

// service is a real apierr stack (otelhttp outermost, middleware.Stack,
// apierrotel's Middleware, a ServeMux with auth, a rate limiter and
// idempotency keys per route) on an httptest server, recording into the
// SDK's in-memory span exporter and a manual metric reader.
type service struct {
	*httptest.Server
	spans    *tracetest.InMemoryExporter
	reader   *sdkmetric.ManualReader
	meters   *sdkmetric.MeterProvider
	logs     *lockedBuffer
	rlFail   atomic.Bool
	idemFail atomic.Bool
	started  chan struct{} // POST /slow has begun
	release  chan struct{} // lets POST /slow finish
}

func newService(t *testing.T, cfg apierrotel.Config) *service {
	t.Helper()
	s := &service{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader(),
		logs: new(lockedBuffer), started: make(chan struct{}, 1), release: make(chan struct{})}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(s.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	cfg.MeterProvider = mp
	s.meters = mp
	tel, err := apierrotel.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testKey, apierr.Principal{Tenant: "acme", Method: "api_key"}); err != nil {
		t.Fatal(err)
	}
	auth := auth.New(auth.Config{Keys: keys})
	now := time.Unix(1_700_000_000, 0) // a fixed clock: the burst decides, not the machine's speed
	clock := func() time.Time { return now }
	limiter := ratelimit.New(ratelimit.Config{
		Policies:      []ratelimit.Policy{ratelimit.PerSecond(1).WithBurst(3)},
		Store:         failingRateStore{ratelimit.NewMemory(ratelimit.MemoryConfig{Now: clock}), &s.rlFail},
		FailurePolicy: apierr.FailurePolicy{OnError: tel.RateLimitStoreError},
	})
	closed := ratelimit.New(ratelimit.Config{
		Policies:      []ratelimit.Policy{ratelimit.PerSecond(100)},
		Store:         failingRateStore{ratelimit.NewMemory(ratelimit.MemoryConfig{Now: clock}), &s.rlFail},
		FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed, OnError: tel.RateLimitStoreError},
	})
	writes := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerSecond(100)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: clock}),
	})
	idem := tel.ObserveIdempotency("", idempotency.New(idempotency.Config{
		Store:         failingIdemStore{idempotency.NewMemoryStore(idempotency.MemoryConfig{}), &s.idemFail},
		FailurePolicy: apierr.FailurePolicy{OnError: tel.IdempotencyStoreError},
	}))
	api := func(h http.Handler) http.Handler {
		return auth(tel.ObserveLimit(apierrotel.LimitRate, limiter.Middleware)(h))
	}
	write := func(h http.Handler) http.Handler { return auth(writes.Middleware(h)) }

	mux := http.NewServeMux()
	mux.Handle("GET /things/{id}", api(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.PathValue("id") == "missing" {
			return apierr.Cond(apierr.CondNotFound)
		}
		_, err := io.WriteString(w, `{"id":"`+r.PathValue("id")+`"}`)
		return err
	})))
	mux.Handle("POST /things", write(idem(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req struct {
			Name string `json:"name" validate:"required"`
		}
		if err := bind.JSON(r, &req); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		_, err := io.WriteString(w, `{"name":"`+req.Name+`"}`)
		return err
	}))))
	mux.Handle("POST /slow", write(idem(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		s.started <- struct{}{}
		<-s.release
		w.WriteHeader(http.StatusCreated)
		return nil
	}))))
	mux.Handle("GET /closed", auth(closed.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))))
	mux.Handle("GET /boom", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Internal(errors.New("db: connection refused"))
	}))
	mux.Handle("GET /panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))

	logger := slog.New(apierrotel.LogHandler(slog.NewJSONHandler(s.logs, nil)))
	h := middleware.Stack(nil, middleware.WithLogger(logger))(tel.Middleware(mux))
	s.Server = httptest.NewServer(otelhttp.NewHandler(h, "api",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(propagation.TraceContext{})))
	t.Cleanup(s.Close)
	return s
}

// call is one request of a test.
type call struct {
	method, path, key, body, idemKey string
}

// response is what the client saw, and the trace it was sent in.
type response struct {
	status    int
	body      string
	requestID string
	traceID   trace.TraceID
}

var traceSeq atomic.Uint64

// do sends c with a traceparent of a fresh trace.
func (s *service) do(t *testing.T, c call) response {
	t.Helper()
	var tid trace.TraceID
	n := traceSeq.Add(1)
	copy(tid[:], "apierr-otel-test")
	tid[15] = byte(n)
	tid[14] = byte(n >> 8)
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, s.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Traceparent", "00-"+tid.String()+"-00f067aa0ba902b7-01")
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if c.idemKey != "" {
		req.Header.Set("Idempotency-Key", c.idemKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), requestID: res.Header.Get("X-Request-Id"), traceID: tid}
}

// span returns the server span of the trace tid.
func (s *service) span(t *testing.T, tid trace.TraceID) tracetest.SpanStub {
	t.Helper()
	for _, sp := range s.spans.GetSpans() {
		if sp.SpanContext.TraceID() == tid && sp.SpanKind == trace.SpanKindServer {
			if sp.Parent.SpanID().String() != "00f067aa0ba902b7" || !sp.Parent.IsRemote() {
				t.Errorf("server span's parent is %v, want the traceparent's remote span", sp.Parent)
			}
			return sp
		}
	}
	t.Fatalf("no server span in trace %s", tid)
	return tracetest.SpanStub{}
}

func attrOf(attrs []attribute.KeyValue, k attribute.Key) (attribute.Value, bool) {
	for _, a := range attrs {
		if a.Key == k {
			return a.Value, true
		}
	}
	return attribute.Value{}, false
}

// counter returns the data points of the int64 counter name.
func (s *service) counter(t *testing.T, name string) []metricdata.DataPoint[int64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				sum, ok := m.Data.(metricdata.Sum[int64])
				if !ok {
					t.Fatalf("%s is a %T, want an int64 sum", name, m.Data)
				}
				return sum.DataPoints
			}
		}
	}
	return nil
}

// count returns the value of the point of counter name whose attributes
// include want (key=value pairs), 0 when none.
func (s *service) count(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var total int64
points:
	for _, dp := range s.counter(t, name) {
		for _, kv := range want {
			if v, ok := dp.Attributes.Value(kv.Key); !ok || v != kv.Value {
				continue points
			}
		}
		total += dp.Value
	}
	return total
}

type sdktraceEvent = sdktrace.Event

// histogramHas reports whether the float64 histogram name has a point whose
// attributes include kv.
func (s *service) histogramHas(t *testing.T, name string, kv attribute.KeyValue) bool {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == name {
				for _, dp := range h.DataPoints {
					if v, ok := dp.Attributes.Value(kv.Key); ok && v == kv.Value {
						return true
					}
				}
			}
		}
	}
	return false
}
