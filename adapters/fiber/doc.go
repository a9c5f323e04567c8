// Package apierrfiber gives a fiber v2 API apierr's error contract. One
// call makes the app:
//
//	app := apierrfiber.New(cat, fiber.Config{BodyLimit: 1 << 20})
//	app.Post("/fax", apierrfiber.Wrap(auth), apierrfiber.Wrap(limit.Middleware), apierrfiber.Wrap(once), sendFax)
//	app.Get("/docs/errors/*", adaptor.HTTPHandler(docgen.Handler(cat)))
//
// From then on every error fiber produces itself is the catalog error of
// its condition, in the catalog's format (Accept negotiation), with the
// request ID (header and body), the docs link and the headers the contract
// promises: the router's 404 (endpoint_not_found) and 405
// (method_not_allowed, with the Allow fiber sets: fiber v2 answers 405 by
// itself when another method has the path), a panic (internal, its stack
// in the log only), a body over fiber's BodyLimit (payload_too_large with
// limit_bytes), a *fiber.Error a handler returns (the status mapped as the
// runtime's normalizer maps a plain net/http status: a handler's 404 is
// not_found), c.BodyParser's and c.QueryParser's failures (malformed_body)
// and a status ≥400 a handler sent itself (c.SendStatus(403)). Handlers
// return an *apierr.Error natively, and bind with Bind:
//
//	func sendFax(c *fiber.Ctx) error {
//		var req SendFax
//		if err := apierrfiber.Bind(c, &req); err != nil {
//			return err // 400 bad body, 415, or 422 listing every bad field
//		}
//		if balance < cost {
//			return apierr.New("insufficient_balance").With("available", balance)
//		}
//		...
//	}
//
// fiber has no validator of its own: Bind is bind.JSON (go-playground/
// validator with the validate tag, fields named by their json names) over
// fiber's body.
//
// # The runtime on fiber
//
// fiber is not net/http, so middleware.Stack cannot wrap it. New installs
// its equivalent instead, as the app's ErrorHandler and first middleware:
// the request ID (an incoming one kept when middleware.ValidRequestID
// accepts it) on every response, one apierr.State per request carried by
// c.UserContext() (apierr.StateFrom(c.UserContext()), apierr.RequestID,
// apierr.PrincipalFrom work there; c.Context(), fasthttp's, does not carry
// it), panic recovery, and one log record per error response with
// middleware.Stack's attributes (request_id, code, status, method, route,
// path, latency; cause and stack for a 5xx), sampled as Stack samples
// them (Config.Sampling: a flood of one code writes its first few records
// and a count per interval; apierr.FlushLogs writes the counts pending).
//
// apierr's other middleware are func(http.Handler) http.Handler; Wrap runs
// one on a fiber route or group. auth, ratelimit (its 429 with Retry-After
// and the RateLimit fields), idempotency (replays, idempotency_key_reused)
// and RequireContentType work through it. What does not reach fiber:
//
//   - fasthttp reads the whole body before any handler, so a BodyLimit or
//     MinBodyRate inside Wrap limits what Bind reads but not what the server
//     buffers; the real cap is fiber.Config.BodyLimit (and ReadTimeout).
//     middleware.Timeout cannot stop a fiber handler.
//   - A body the handler streams is not handed to a middleware that records
//     responses: the client gets it, the middleware sees no response (an
//     idempotency key is then not stored for replay).
//   - fasthttp answers a body over BodyLimit with the 413 and closes the
//     connection without reading what the client is still sending (net/http
//     reads on a little first): a client that sends a long body without
//     waiting for 100 Continue may see a reset instead of the 413. New makes
//     a request with "Expect: 100-continue" and a declared length over the
//     limit refused before the client sends the body (fasthttp would send
//     100 Continue first).
//   - fasthttp's read buffer (fiber.Config.ReadBufferSize, 4 KiB by
//     default) caps the request headers where net/http takes 1 MiB: over
//     it, the ErrorHandler answers 431, payload_too_large with that status
//     (a catalog that binds payload_too_large to a code of another status
//     answers that code with 431). Raise it for clients with large headers.
//   - fiber answers a method it does not know (not in RequestMethods) with a
//     plain 400 "Invalid http method" before any handler or error handler
//     runs.
//   - A mounted sub-app with an ErrorHandler of its own renders its errors
//     itself.
package apierrfiber
