// Package middleware makes every failure on the wire a catalog error.
//
// Every middleware is a plain func(http.Handler) http.Handler and works with
// any router (net/http's ServeMux, chi, …). Stack installs the runtime every
// API needs, outermost first: request ID and the per-request apierr.State,
// logger, recover, normalize:
//
//	cat, _ := apierr.LoadFile("errors.yaml")
//	mux := http.NewServeMux()
//	mux.Handle("POST /fax", middleware.Auth(middleware.AuthConfig{Keys: keys})(
//		apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
//			var req SendFax
//			if err := middleware.Bind(r, &req); err != nil {
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
// route and latency.
//
// A plain 404 from a matched route is not_found and one from no route is
// endpoint_not_found: ServeMux (Go 1.22+) and chi set r.Pattern on a match.
// chi sets it on its own copy of the request, so with chi either install
// the stack with r.Use(middleware.Stack(cat)), or keep it outside and let
// any layer of this package inside the route (Auth, BodyLimit, Timeout, …)
// pass the router's request on; otherwise every plain 404 behind chi is
// endpoint_not_found.
//
// The other middleware are separate functions: Auth and RequireScope (API
// keys and bearer tokens), BodyLimit and RequireContentType, Timeout,
// Maintenance; Bind decodes and validates JSON bodies and Owned hides
// resources of other tenants. The Prometheus counter lives in the metrics
// subpackage so this package does not import client_golang.
//
// A middleware that replays a stored error response (an idempotency cache,
// for example) should set apierr.StateFrom(ctx).Rendered = true before
// writing it, so that the normalizer leaves it alone.
package middleware
