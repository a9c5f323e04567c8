package apierrotel

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys apierrotel adds beside the semantic conventions' own
// (error.type, http.response.status_code, http.route).
const (
	// RequestIDKey is the request's ID (apierr.RequestID), on every server span.
	RequestIDKey = attribute.Key("apierr.request_id")
	// ConditionKey is the built-in condition the error stands for, when any
	// (e.g. "rate_limited"): the catalog code says what the client saw, the
	// condition what happened, across catalogs that name codes differently.
	ConditionKey = attribute.Key("apierr.condition")
)

// Middleware records every error response on the span in the request's
// context (the server span otelhttp.NewHandler started) and in the
// apierr.server.errors counter. Install it inside middleware.Stack, which
// gives each request the apierr.State this reads after the handler:
//
//	otelhttp.NewHandler(middleware.Stack(cat)(tel.Middleware(mux)), "api")
//
// For an error response (status ≥ 400) the span gets, as the OpenTelemetry
// HTTP semantic conventions ask: error.type = the catalog code (a
// low-cardinality, component-specific identifier; the status number when a
// response carries no catalog code), http.response.status_code, and status
// Error for 5xx only: a 4xx is the client's error, and a server span leaves
// its status unset. apierr.condition names the condition behind the code.
// Every span gets apierr.request_id, and http.route once a router matched.
// The cause goes on the span as an "exception" event only when
// Config.RecordCause says so.
//
// When otelhttp's Labeler is in the context, error.type and http.route are
// added to it, so otelhttp's http.server.request.duration carries them too.
//
// A panic passing through is recorded as the catalog's internal error (500)
// and re-raised for the stack's recover layer.
func (t *Telemetry) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		st := apierr.StateFrom(ctx)
		st.RecordRoute(r) // inside a router, r is the one that carries the pattern
		span := trace.SpanFromContext(ctx)
		if span.IsRecording() && st != nil {
			span.SetAttributes(RequestIDKey.String(apierr.RequestID(ctx)))
		}
		t.beginTraceID(st, span)
		defer func() {
			if v := recover(); v != nil {
				if v != http.ErrAbortHandler {
					t.recordPanic(ctx, r, st, span)
				}
				panic(v)
			}
			t.finish(ctx, w, r, st, span)
		}()
		next.ServeHTTP(w, r)
	})
}

// finish records the response once the handler has returned.
func (t *Telemetry) finish(ctx context.Context, w http.ResponseWriter, r *http.Request, st *apierr.State, span trace.Span) {
	e := rendered(st)
	status := middleware.Status(w)
	if status == 0 {
		if e != nil {
			status = e.Status
		} else {
			status = http.StatusOK // a handler that wrote nothing
		}
	}
	route := httpRoute(routeOf(st, r))
	recording := span.IsRecording()
	if recording && route != "" {
		nameSpan(span, r.Method, route)
	}
	t.outcomes(ctx, w.Header(), e)
	// A catalog error written after the response had started (late) was
	// dropped and the connection aborted: the client got no whole response.
	late := status < 400 && e != nil && e.Status >= 400
	if status < 400 && !late {
		if route != "" {
			if l, ok := otelhttp.LabelerFromContext(ctx); ok {
				l.Add(semconv.HTTPRoute(route))
			}
		}
		return
	}
	t.recordError(ctx, span, recording, e, status, route, late)
}

// recordError puts one error response on the span and the counter.
func (t *Telemetry) recordError(ctx context.Context, span trace.Span, recording bool, e *apierr.Error, status int, route string, late bool) {
	code, cond := "", apierr.Condition("")
	if e != nil {
		code, cond = e.Code, e.Condition
	}
	if code == "" {
		code = strconv.Itoa(status)
	}
	if recording {
		attrs := [4]attribute.KeyValue{
			semconv.ErrorTypeKey.String(code),
			semconv.HTTPResponseStatusCode(status),
		}
		n := 2
		if cond != "" {
			attrs[n] = ConditionKey.String(string(cond))
			n++
		}
		span.SetAttributes(attrs[:n]...)
		if status >= 500 || late {
			// The reason is in error.type and the status code; the
			// conventions ask for no description that repeats them.
			span.SetStatus(codes.Error, "")
		}
		if e != nil && t.cfg.RecordCause != nil && e.Cause() != nil && t.cfg.RecordCause(e) {
			span.RecordError(e.Cause())
		}
	}
	if l, ok := otelhttp.LabelerFromContext(ctx); ok {
		l.Add(semconv.ErrorTypeKey.String(code))
		if route != "" {
			l.Add(semconv.HTTPRoute(route))
		}
	}
	if !t.errors.Enabled(ctx) {
		return // a no-op MeterProvider: no series to look up
	}
	if route == "" {
		route = OtherRoute
	}
	t.errors.Add(ctx, 1, t.errorSet(code, cond, status, route)...)
}

// recordPanic records the internal error the stack's recover layer is about
// to render for a panic.
func (t *Telemetry) recordPanic(ctx context.Context, r *http.Request, st *apierr.State, span trace.Span) {
	res := &apierr.Error{Condition: apierr.CondInternal, Status: http.StatusInternalServerError}
	if c := apierr.CatalogFrom(ctx).ForCondition(apierr.CondInternal); c != nil {
		res.Code = c.ID
	}
	route := httpRoute(routeOf(st, r))
	recording := span.IsRecording()
	if recording && route != "" {
		nameSpan(span, r.Method, route)
	}
	t.recordError(ctx, span, recording, res, http.StatusInternalServerError, route, false)
}

type errorKey struct {
	code, cond, route string
	status            int
}

// errorSet returns the Add options of one error series; the slice is
// shared, so passing it on allocates nothing.
func (t *Telemetry) errorSet(code string, cond apierr.Condition, status int, route string) []metric.AddOption {
	k := errorKey{code: code, cond: string(cond), route: route, status: status}
	if o, ok := t.errorSets.Load(k); ok {
		return o.([]metric.AddOption)
	}
	o := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(
		semconv.ErrorTypeKey.String(code),
		ConditionKey.String(string(cond)),
		semconv.HTTPResponseStatusCode(status),
		semconv.HTTPRoute(route),
	))}
	v, _ := t.errorSets.LoadOrStore(k, o)
	return v.([]metric.AddOption)
}

// nameSpan sets http.route and names the span "{method} {route}", as the
// conventions name server spans: otelhttp, outside middleware.Stack, never
// sees the pattern ServeMux sets on the stack's copy of the request.
func nameSpan(span trace.Span, method, route string) {
	span.SetAttributes(semconv.HTTPRoute(route))
	switch method {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT":
	default:
		method = "HTTP" // the conventions' name for a method they do not know
	}
	span.SetName(method + " " + route)
}

// httpRoute is the path template of a ServeMux pattern ("POST
// api.example.com/fax/{id}" → "/fax/{id}"), as http.route wants it.
func httpRoute(pattern string) string {
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}
