// Package apierrecho gives an echo (v4) API apierr's error contract. One
// call installs it:
//
//	e := echo.New()
//	apierrecho.Install(e, cat)
//	e.POST("/fax", sendFax, apierrecho.Wrap(auth), apierrecho.Wrap(limit.Middleware), apierrecho.Wrap(once))
//	e.GET("/docs/errors/*", echo.WrapHandler(docgen.Handler(cat)))
//
// From then on every error echo produces itself is the catalog error of its
// condition, in the catalog's format, with the request ID, the docs link
// and the headers the contract promises: the router's 404
// (endpoint_not_found; a 404 from a matched route is not_found) and 405
// (method_not_allowed, Allow), a panic (internal, stack in the log only),
// *echo.HTTPError from echo or its middleware (by status, as the runtime's
// normalizer maps a plain net/http status), c.Bind's failures (malformed_body
// with line and column, validation_failed with every field named as the
// client sent it) and a response a handler wrote itself with a status ≥400.
// Handlers return *apierr.Error natively:
//
//	func sendFax(c echo.Context) error {
//		var req SendFax
//		if err := c.Bind(&req); err != nil {
//			return err // 400 bad body, or 422 listing every bad field
//		}
//		if balance < cost {
//			return apierr.New("insufficient_balance").With("available", balance)
//		}
//		...
//	}
//
// Install sets e.HTTPErrorHandler, e.Binder and e.Validator, adds the
// runtime (middleware.Stack: request ID, log record, recover, normalize) as
// the first pre-router middleware and a route recorder as the first router
// middleware; call it before adding middleware of one's own.
//
// Mount middleware on routes, or on groups with a path prefix: echo gives a
// group with middleware a catch-all not-found route, so e.Group("", mw)
// answers 404 where the router would answer 405.
//
// apierr's other middleware are func(http.Handler) http.Handler; Wrap turns
// one into an echo.MiddlewareFunc that, unlike echo.WrapMiddleware, renders
// the handler's error inside it, so idempotency stores the error response
// and a limiter's headers reach it.
package apierrecho
