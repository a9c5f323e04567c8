// Package apierrhuma gives a huma (v2) API apierr's error contract. One call
// configures it, on the huma.Config the API is made with:
//
//	mux := http.NewServeMux()
//	api := humago.New(mux, apierrhuma.Configure(huma.DefaultConfig("Fax API", "1.0.0"), cat))
//	huma.Register(api, huma.Operation{Method: "POST", Path: "/fax",
//		Middlewares: huma.Middlewares{apierrhuma.Middleware(auth), apierrhuma.Middleware(once)}}, sendFax)
//	mux.Handle("GET /docs/errors/", docgen.Handler(cat))
//	http.ListenAndServe(addr, middleware.Stack(cat)(mux))
//
// huma builds every error with its error constructors (huma.NewError,
// huma.NewErrorWithContext: package variables, so Configure sets them for
// the whole process). With apierr's they return *Error, which renders the
// catalog error of the condition: huma's own request validation is
// validation_failed listing every field (named as the client sent it, with
// a rule: required, pattern, minLength, …), a body that is not JSON
// malformed_body, a body over the operation's limit payload_too_large, an
// unknown media type unsupported_media_type, huma.Error404NotFound and its
// siblings the condition of their status (their message becomes the
// error's detail, below 500), and a handler's *apierr.Error, returned as
// is, the error it is:
//
//	func sendFax(ctx context.Context, in *SendFaxInput) (*SendFaxOutput, error) {
//		if balance < cost {
//			return nil, apierr.New("insufficient_balance").With("available", balance)
//		}
//		...
//	}
//
// Rendering happens in a transformer Configure adds, when huma writes the
// response: the request's catalog (its apierr.State) and format (Accept),
// the request ID, the docs link, Retry-After, WWW-Authenticate and Allow
// headers. The OpenAPI document's error responses use the catalog's schema
// (the one `apierr openapi` writes) instead of huma's ErrorModel.
//
// The runtime wraps the router as on net/http (middleware.Stack around the
// mux): the router's 404 and 405, panics and anything else huma does not
// render come out of it. apierr's other middleware are
// func(http.Handler) http.Handler; Middleware turns one into a huma
// middleware for operations on a net/http-based huma adapter (humago,
// humachi, …).
package apierrhuma
