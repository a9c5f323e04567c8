package apierrotel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	apierrotel "github.com/apierr/apierr/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// TestErrorResponses sends, through real HTTP and apierr's real middleware,
// one request per condition class and checks the server span and the error
// counter: error.type is the catalog code, http.response.status_code the
// status, span status Error for 5xx only, the request ID on the span, the
// route collapsed to _OTHER when nothing matched.
func TestErrorResponses(t *testing.T) {
	thing := `{"name":"x"}`
	tests := []struct {
		name   string
		before []call // requests that set the scene
		call   call
		status int
		code   string
		cond   string
		route  string
	}{
		{name: "auth: no key", call: call{method: "GET", path: "/things/1"}, status: 401, code: "authentication_required", cond: "auth_missing", route: "/things/{id}"},
		{name: "auth: unknown key", call: call{method: "GET", path: "/things/1", key: "nope"}, status: 401, code: "invalid_credentials", cond: "auth_invalid", route: "/things/{id}"},
		{name: "validation: missing field", call: call{method: "POST", path: "/things", key: testKey, body: `{}`}, status: 422, code: "validation_failed", cond: "validation_failed", route: "/things"},
		{name: "validation: malformed JSON", call: call{method: "POST", path: "/things", key: testKey, body: `{"name":`}, status: 400, code: "malformed_body", cond: "malformed_body", route: "/things"},
		{name: "not found: handler", call: call{method: "GET", path: "/things/missing", key: testKey}, status: 404, code: "not_found", cond: "not_found", route: "/things/{id}"},
		{name: "not found: no route", call: call{method: "GET", path: "/nowhere/a1b2c3"}, status: 404, code: "endpoint_not_found", cond: "endpoint_not_found", route: apierrotel.OtherRoute},
		{name: "limits: burst spent",
			before: []call{{method: "GET", path: "/things/1", key: testKey}, {method: "GET", path: "/things/2", key: testKey}, {method: "GET", path: "/things/3", key: testKey}},
			call:   call{method: "GET", path: "/things/4", key: testKey}, status: 429, code: "rate_limited", cond: "rate_limited", route: "/things/{id}"},
		{name: "idempotency: key reused with another body",
			before: []call{{method: "POST", path: "/things", key: testKey, body: thing, idemKey: "k1"}},
			call:   call{method: "POST", path: "/things", key: testKey, body: `{"name":"y"}`, idemKey: "k1"}, status: 422, code: "idempotency_key_reused", cond: "idempotency_key_reused", route: "/things"},
		{name: "idempotency: invalid key", call: call{method: "POST", path: "/things", key: testKey, body: thing, idemKey: strings.Repeat("k", 300)}, status: 400, code: "idempotency_key_missing", cond: "idempotency_key_missing", route: "/things"},
		{name: "5xx: handler error", call: call{method: "GET", path: "/boom"}, status: 500, code: "internal_error", cond: "internal", route: "/boom"},
		{name: "5xx: panic", call: call{method: "GET", path: "/panic"}, status: 500, code: "internal_error", cond: "internal", route: "/panic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newService(t, apierrotel.Config{})
			for _, c := range tt.before {
				s.do(t, c)
			}
			res := s.do(t, tt.call)
			if res.status != tt.status || !strings.Contains(res.body, `"`+tt.code+`"`) {
				t.Fatalf("got %d %s, want %d %s", res.status, res.body, tt.status, tt.code)
			}
			sp := s.span(t, res.traceID)
			if v, _ := attrOf(sp.Attributes, semconv.ErrorTypeKey); v.AsString() != tt.code {
				t.Errorf("error.type = %q, want %q", v.AsString(), tt.code)
			}
			if v, _ := attrOf(sp.Attributes, semconv.HTTPResponseStatusCodeKey); v.AsInt64() != int64(tt.status) {
				t.Errorf("http.response.status_code = %d, want %d", v.AsInt64(), tt.status)
			}
			if v, _ := attrOf(sp.Attributes, apierrotel.ConditionKey); v.AsString() != tt.cond {
				t.Errorf("apierr.condition = %q, want %q", v.AsString(), tt.cond)
			}
			if v, _ := attrOf(sp.Attributes, apierrotel.RequestIDKey); v.AsString() == "" || v.AsString() != res.requestID {
				t.Errorf("apierr.request_id = %q, want the X-Request-ID %q", v.AsString(), res.requestID)
			}
			wantStatus := codes.Unset
			if tt.status >= 500 {
				wantStatus = codes.Error
			}
			if sp.Status.Code != wantStatus {
				t.Errorf("span status %v, want %v (a server span is an error for 5xx only)", sp.Status.Code, wantStatus)
			}
			if tt.route != apierrotel.OtherRoute {
				if v, _ := attrOf(sp.Attributes, semconv.HTTPRouteKey); v.AsString() != tt.route {
					t.Errorf("http.route = %q, want %q", v.AsString(), tt.route)
				}
				if want := tt.call.method + " " + tt.route; sp.Name != want {
					t.Errorf("span name %q, want %q", sp.Name, want)
				}
			}
			for _, ev := range sp.Events {
				if ev.Name == "exception" {
					t.Errorf("cause recorded on the span without Config.RecordCause: %v", ev.Attributes)
				}
			}
			if n := s.count(t, "apierr.server.errors",
				semconv.ErrorTypeKey.String(tt.code), apierrotel.ConditionKey.String(tt.cond),
				semconv.HTTPResponseStatusCode(tt.status), semconv.HTTPRoute(tt.route)); n != 1 {
				t.Errorf("apierr.server.errors{%s,%s,%d,%s} = %d, want 1\n%v", tt.code, tt.cond, tt.status, tt.route, n, s.counter(t, "apierr.server.errors"))
			}
			// otelhttp's own duration histogram gets error.type through its Labeler.
			if !s.histogramHas(t, "http.server.request.duration", semconv.ErrorTypeKey.String(tt.code)) {
				t.Errorf("http.server.request.duration has no point with error.type=%s", tt.code)
			}
		})
	}
}

// TestSuccessIsNotAnError: a 2xx sets no error.type and counts no error.
func TestSuccessIsNotAnError(t *testing.T) {
	s := newService(t, apierrotel.Config{})
	res := s.do(t, call{method: "GET", path: "/things/1", key: testKey})
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	sp := s.span(t, res.traceID)
	if v, ok := attrOf(sp.Attributes, semconv.ErrorTypeKey); ok {
		t.Errorf("error.type = %v on a 200", v.String())
	}
	if sp.Status.Code != codes.Unset {
		t.Errorf("status %v", sp.Status.Code)
	}
	if v, _ := attrOf(sp.Attributes, apierrotel.RequestIDKey); v.AsString() != res.requestID {
		t.Errorf("apierr.request_id = %q, want %q", v.AsString(), res.requestID)
	}
	if n := s.count(t, "apierr.server.errors"); n != 0 {
		t.Errorf("%d errors counted", n)
	}
	if n := s.count(t, "apierr.ratelimit.outcomes", apierrotel.LimitOutcomeKey.String(apierrotel.LimitAdmitted)); n != 1 {
		t.Errorf("admitted = %d, want 1", n)
	}
}

// TestCauseOnSpan: with RecordCause the 5xx cause is an exception event; a
// 4xx's is not (CauseOn5xx), and the cause never reaches the body.
func TestCauseOnSpan(t *testing.T) {
	s := newService(t, apierrotel.Config{RecordCause: apierrotel.CauseOn5xx})
	res := s.do(t, call{method: "GET", path: "/boom"})
	if strings.Contains(res.body, "connection refused") {
		t.Fatalf("cause on the wire: %s", res.body)
	}
	sp := s.span(t, res.traceID)
	found := false
	for _, ev := range sp.Events {
		if ev.Name == "exception" {
			v, _ := attrOf(ev.Attributes, semconv.ExceptionMessageKey)
			found = v.AsString() == "db: connection refused"
		}
	}
	if !found {
		t.Errorf("no exception event with the cause: %+v", sp.Events)
	}
}

// TestLimiterOutcomes: admitted, limited, and store failures (fail open:
// admitted; fail closed: 503) are counted by kind and outcome.
func TestLimiterOutcomes(t *testing.T) {
	s := newService(t, apierrotel.Config{})
	for range 4 {
		s.do(t, call{method: "GET", path: "/things/1", key: testKey})
	}
	s.rlFail.Store(true)
	open := s.do(t, call{method: "GET", path: "/things/1", key: testKey})
	closed := s.do(t, call{method: "GET", path: "/closed", key: testKey})
	if open.status != 200 || closed.status != 503 {
		t.Fatalf("fail open %d, fail closed %d", open.status, closed.status)
	}
	for outcome, want := range map[string]int64{apierrotel.LimitAdmitted: 4, apierrotel.LimitLimited: 1, apierrotel.LimitStoreFailure: 2} {
		if n := s.count(t, "apierr.ratelimit.outcomes", apierrotel.LimitKindKey.String(apierrotel.LimitRate), apierrotel.LimitOutcomeKey.String(outcome)); n != want {
			t.Errorf("%s = %d, want %d", outcome, n, want)
		}
	}
	sp := s.span(t, closed.traceID)
	if v, _ := attrOf(sp.Attributes, semconv.ErrorTypeKey); v.AsString() != "service_unavailable" || sp.Status.Code != codes.Error {
		t.Errorf("fail closed span: error.type %q status %v", v.AsString(), sp.Status.Code)
	}
	if !hasEvent(s.span(t, open.traceID).Events, "apierr.ratelimit", apierrotel.LimitOutcomeKey.String(apierrotel.LimitStoreFailure)) {
		t.Errorf("no store_failure event on the fail-open span")
	}
}

// TestIdempotencyOutcomes: a replay, a key in flight, a reused key.
func TestIdempotencyOutcomes(t *testing.T) {
	s := newService(t, apierrotel.Config{})
	thing := `{"name":"x"}`
	first := s.do(t, call{method: "POST", path: "/things", key: testKey, body: thing, idemKey: "order-1"})
	replay := s.do(t, call{method: "POST", path: "/things", key: testKey, body: thing, idemKey: "order-1"})
	if first.status != 201 || replay.status != 201 || replay.body != first.body {
		t.Fatalf("first %d %s, replay %d %s", first.status, first.body, replay.status, replay.body)
	}
	done := make(chan response, 1)
	go func() {
		done <- s.do(t, call{method: "POST", path: "/slow", key: testKey, body: thing, idemKey: "order-2"})
	}()
	<-s.started
	inUse := s.do(t, call{method: "POST", path: "/slow", key: testKey, body: thing, idemKey: "order-2"})
	close(s.release)
	if r := <-done; r.status != 201 || inUse.status != 409 {
		t.Fatalf("slow %d, in use %d %s", r.status, inUse.status, inUse.body)
	}
	s.idemFail.Store(true)
	failed := s.do(t, call{method: "POST", path: "/things", key: testKey, body: thing, idemKey: "order-3"})
	if failed.status != 503 {
		t.Fatalf("store down: %d", failed.status)
	}
	// order-1 ran once and was replayed once; order-2 ran once, its twin
	// found it in use; order-3 met a store down (503). An unkeyed POST is
	// not an idempotency outcome at all.
	s.do(t, call{method: "POST", path: "/things", key: testKey, body: thing})
	for outcome, want := range map[string]int64{apierrotel.IdempotencyExecuted: 2, apierrotel.IdempotencyReplayed: 1,
		apierrotel.IdempotencyInUse: 1, apierrotel.IdempotencyStoreFailure: 1} {
		if n := s.count(t, "apierr.idempotency.outcomes", apierrotel.IdempotencyOutcomeKey.String(outcome)); n != want {
			t.Errorf("%s = %d, want %d", outcome, n, want)
		}
	}
	if !hasEvent(s.span(t, replay.traceID).Events, "apierr.idempotency", apierrotel.IdempotencyOutcomeKey.String(apierrotel.IdempotencyReplayed)) {
		t.Errorf("no replayed event on the replay's span")
	}
	sp := s.span(t, inUse.traceID)
	if v, _ := attrOf(sp.Attributes, semconv.ErrorTypeKey); v.AsString() != "idempotency_key_in_use" || sp.Status.Code != codes.Unset {
		t.Errorf("in use span: error.type %q status %v", v.AsString(), sp.Status.Code)
	}
}

func hasEvent(evs []sdktraceEvent, name string, kv attribute.KeyValue) bool {
	for _, ev := range evs {
		if ev.Name == name {
			if v, ok := attrOf(ev.Attributes, kv.Key); ok && v == kv.Value {
				return true
			}
		}
	}
	return false
}

// TestTraceIDInBody: off by default (bodies keep the catalog's shape); on,
// every error body carries the trace ID, the normalizer's included.
func TestTraceIDInBody(t *testing.T) {
	plain := newService(t, apierrotel.Config{})
	if res := plain.do(t, call{method: "GET", path: "/boom"}); strings.Contains(res.body, "trace_id") {
		t.Errorf("trace_id in a body by default: %s", res.body)
	}
	s := newService(t, apierrotel.Config{TraceIDInBody: true})
	for _, c := range []call{{method: "GET", path: "/boom"}, {method: "GET", path: "/nowhere"}, {method: "DELETE", path: "/boom"}, {method: "GET", path: "/things/1"}} {
		res := s.do(t, c)
		if !strings.Contains(res.body, `"trace_id":"`+res.traceID.String()+`"`) {
			t.Errorf("%s %s: %d %s lacks the trace ID %s", c.method, c.path, res.status, res.body, res.traceID)
		}
	}
}

// TestLimitStoreErrorKinds: each limiter kind's store failures count under
// their own kind.
func TestLimitStoreErrorKinds(t *testing.T) {
	s := newService(t, apierrotel.Config{})
	tel := apierrotel.Must(apierrotel.Config{MeterProvider: s.meters})
	ctx := context.Background()
	tel.LimitStoreError(apierrotel.LimitConcurrency)(ctx, errors.New("down"))
	tel.LimitStoreError(apierrotel.LimitQuota)(ctx, errors.New("down"))
	tel.RateLimitStoreError(ctx, errors.New("down"))
	for _, kind := range []string{apierrotel.LimitRate, apierrotel.LimitConcurrency, apierrotel.LimitQuota} {
		if n := s.count(t, "apierr.ratelimit.outcomes", apierrotel.LimitKindKey.String(kind), apierrotel.LimitOutcomeKey.String(apierrotel.LimitStoreFailure)); n != 1 {
			t.Errorf("%s store failures = %d, want 1", kind, n)
		}
	}
}
