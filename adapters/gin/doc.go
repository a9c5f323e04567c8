// Package apierrgin gives a gin API apierr's error contract. One call
// installs it:
//
//	r := gin.New()
//	apierrgin.Install(r, cat)
//	r.POST("/fax", apierrgin.Wrap(auth), apierrgin.Wrap(limit.Middleware), apierrgin.Wrap(once), sendFax)
//	r.GET("/docs/errors/*page", gin.WrapH(docgen.Handler(cat)))
//
// From then on every error gin produces itself is the catalog error of its
// condition, in the catalog's format, with the request ID, the docs link
// and the headers the contract promises: NoRoute (endpoint_not_found) and
// NoMethod (method_not_allowed with Allow; Install turns
// HandleMethodNotAllowed on), a panic (internal, stack in the log only),
// c.AbortWithStatus and c.AbortWithError (the error attached, else the
// status mapped as the runtime's normalizer maps a plain net/http status:
// a 404 from a matched route is not_found), ShouldBind's failures
// (malformed_body for a body that is not JSON or a value of the wrong type,
// validation_failed with every field named as the client sent it) and a
// response a handler wrote itself with a status ≥400. Handlers set an
// *apierr.Error natively with c.Error, or return one through Handler:
//
//	func sendFax(c *gin.Context) {
//		var req SendFax
//		if err := c.ShouldBindJSON(&req); err != nil {
//			c.Error(err) // 400 bad body, or 422 listing every bad field
//			return
//		}
//		if balance < cost {
//			c.Error(apierr.New("insufficient_balance").With("available", balance))
//			return
//		}
//		...
//	}
//
// The last error attached with c.Error is rendered when the handler chain
// wrote nothing.
//
// Install adds the runtime (middleware.Stack: request ID, log record,
// recover, normalize) as a global middleware: call it on an engine without
// middleware (gin.New), or after gin.Default's, whose Recovery then never
// sees a panic. gin's validator is a package variable (binding.Validator):
// Install wraps it, once, so that its errors name fields by their json tags
// and carry apierr's messages; the tags and rules stay gin's (binding:"…").
//
// apierr's other middleware are func(http.Handler) http.Handler; Wrap turns
// one into a gin.HandlerFunc for a route or a group.
package apierrgin
