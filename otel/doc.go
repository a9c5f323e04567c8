// Package apierrotel records an apierr service's errors in OpenTelemetry:
// every error response on the active server span, as the HTTP semantic
// conventions say (error.type = the catalog code, http.response.status_code,
// span status Error for 5xx only); counters of error responses by code,
// condition, status and route, and of limiter and Idempotency-Key outcomes;
// trace and span IDs on the log records of error responses; each attempt of
// a client.Transport on the caller's span (InstrumentTransport); on request,
// the trace ID in error bodies (Config.TraceIDInBody). It is its own module,
// so the OpenTelemetry dependencies stay out of the apierr module.
//
//	tel, err := apierrotel.New(apierrotel.Config{}) // the global MeterProvider
//	...
//	logger := slog.New(apierrotel.LogHandler(slog.NewJSONHandler(os.Stderr, nil)))
//	stack := middleware.Stack(cat, middleware.WithLogger(logger))
//	limit := ratelimit.New(ratelimit.Config{Policies: policies, FailurePolicy: apierr.FailurePolicy{OnError: tel.RateLimitStoreError}})
//	once := tel.ObserveIdempotency("", idempotency.New(idempotency.Config{FailurePolicy: apierr.FailurePolicy{OnError: tel.IdempotencyStoreError}}))
//	mux.Handle("GET /fax/{id}", tel.ObserveLimit(apierrotel.LimitRate, limit.Middleware)(getFax))
//	mux.Handle("POST /fax", tel.ObserveLimit(apierrotel.LimitRate, limit.Middleware)(once(createFax)))
//	handler := otelhttp.NewHandler(stack(tel.Middleware(mux)), "fax-api")
//
// The order matters: otelhttp outermost starts the server span (from the
// request's W3C traceparent, with the TraceContext propagator) and puts it
// in the context every inner layer sees; middleware.Stack gives each request
// its apierr.State and logs one record per error response with that
// context; Middleware, inside the stack, reads the State once the handler
// has returned and records the error on the span and in the counters.
//
// Metrics (instrumentation scope ScopeName):
//
//   - apierr.server.errors{error.type, apierr.condition,
//     http.response.status_code, http.route}: error responses. Cardinality
//     is bounded by the catalog (codes, conditions, statuses) and the
//     router's patterns; a response no route matched counts under
//     http.route="_OTHER" (OtherRoute), never under its path.
//   - apierr.ratelimit.outcomes{apierr.ratelimit.kind,
//     apierr.ratelimit.outcome}: admitted (through ObserveLimit), limited
//     (from the response's condition), store_failure (RateLimitStoreError;
//     LimitStoreError(kind) for a concurrency limiter or a quota).
//   - apierr.idempotency.outcomes{apierr.idempotency.outcome}: executed
//     (through ObserveIdempotency), replayed, in_use, reused, missing (from
//     the response), store_failure (IdempotencyStoreError, the idempotency
//     FailurePolicy.OnError).
//
// Attributes on the server span: apierr.request_id on every request,
// http.route once a router matched, and for an error response error.type,
// http.response.status_code and apierr.condition. A 4xx leaves the span's
// status unset, as the conventions require of server spans: the request
// was the client's mistake, not the server's failure. error.type is set on
// 4xx responses too: the catalog code is the component-specific identifier
// the conventions allow, and it is what an operator filters on.
package apierrotel
