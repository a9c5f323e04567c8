// Package apierr gives an HTTP API one error contract, end to end.
//
// One catalog (a YAML file) declares every error code; every failure on the
// wire renders from it; generators turn it into docs, OpenAPI and Go code; a
// client decodes any API's errors and retries safely.
//
//	cat, err := apierr.LoadFile("errors.yaml")
//	...
//	mux.Handle("POST /fax", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
//		if balance < cost {
//			return apierr.New("insufficient_balance").With("available", balance)
//		}
//		...
//	}))
//	http.ListenAndServe(":8080", middleware.Stack(cat)(mux))
//
// Codes are data in the catalog; middleware raise conditions (CondRateLimited,
// CondEndpointNotFound, …) and each catalog binds a condition to its own code,
// falling back to the embedded default catalog for the conditions it leaves
// unbound. Formats (Envelope, Problem, or an API's own shape) turn a resolved
// *Error into bytes without reflection.
//
// A catalog may speak several languages: translations sit beside it
// (errors.de.yaml beside errors.yaml; see Translation) and hold only words.
// Write answers each request in the language its Accept-Language prefers
// (Catalog.ForAcceptLanguage), with Content-Language and Vary:
// Accept-Language; the code, status, action and docs link never change, and
// a catalog with one language renders exactly as before.
package apierr
