// Package middleware makes every failure on the wire a catalog error.
//
// Every middleware is a plain func(http.Handler) http.Handler and works with
// any router (net/http's ServeMux, chi, …). Stack installs the runtime every
// API needs, outermost first: request ID and the per-request apierr.State,
// logger, recover, normalize:
//
//	cat, _ := apierr.LoadFile("errors.yaml")
//	mux := http.NewServeMux()
//	mux.Handle("POST /fax", auth.New(auth.Config{Keys: keys})(
//		apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
//			var req SendFax
//			if err := bind.JSON(r, &req); err != nil {
//				return err // malformed_body or validation_failed, every field at once
//			}
//			...
//		})))
//	http.ListenAndServe(":8080", middleware.Stack(cat)(mux))
//
// From then on a panic is the internal condition (stack in the log, never in
// the body), ServeMux's 404 and 405, http.Error, http.MaxBytesReader and a
// proxy's 502 are replaced by the catalog error of the matching condition,
// and each error response is logged once with its request ID, code, status,
// route and latency: 4xx at info (WithLevels), 5xx at error, and a flood of
// one code as its first few records and then a count each 10 s
// (WithSampling), so a wave of 429s does not become a wave of log lines.
//
// A plain 404 from a matched route is not_found and one from no route is
// endpoint_not_found: ServeMux (Go 1.22+) and chi set r.Pattern on a match.
// chi sets it on its own copy of the request, so with chi either install
// the stack with r.Use(middleware.Stack(cat)), or keep it outside and let
// any apierr layer inside the route (auth.New, BodyLimit, Timeout, …)
// record the router's request (apierr.State.RecordRoute); otherwise every
// plain 404 behind chi is endpoint_not_found.
//
// The other runtime middleware are separate functions: BodyLimit and
// RequireContentType, Timeout, Maintenance. Authentication (package auth),
// JSON binding and validation (package bind), limits (ratelimit) and
// idempotency live in packages of their own, so the runtime links neither
// the validator nor a store; the Prometheus counter lives in the metrics
// module so this package does not import client_golang.
//
// The layers cooperate through the request's apierr.State, whose methods
// are the rules (who renders, who logs, what a Timeout's handler may
// change). A middleware that replays a stored error response (an
// idempotency cache, for example) calls State.MarkRendered before writing
// it, so that the normalizer leaves it alone.
package middleware
