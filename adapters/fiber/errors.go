package apierrfiber

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/internal/adapt"
	"github.com/apierr/apierr/middleware"
	"github.com/gofiber/fiber/v2"
)

// Convert returns the catalog error for err, an error a handler returned
// or fiber produced while serving c:
//
//   - an *apierr.Error in err's chain is returned as is;
//   - a *fiber.Error is the condition of its status, as the runtime's
//     normalizer maps a plain net/http status: fiber's router's 404 (no
//     route) is endpoint_not_found and any other 404 not_found, 405 is
//     method_not_allowed with the Allow fiber set, 413 (a body over the
//     app's BodyLimit) payload_too_large with limit_bytes, 429 and 503
//     carry a Retry-After, 401 a challenge; a 5xx keeps err as its cause
//     (logged, never sent);
//   - c.BodyParser's failures: encoding/json's errors are malformed_body
//     with the field and expected type, a query or form value of the wrong
//     type (fiber.ConversionError, fiber.MultiError) malformed_body naming
//     the parameter, and go-playground/validator's ValidationErrors
//     validation_failed with every field;
//   - any other error is internal, its text in the log only.
func Convert(c *fiber.Ctx, err error) *apierr.Error {
	// The unwrapped cases first: errors.As makes its target escape, an
	// allocation on every error path.
	switch e := err.(type) {
	case *apierr.Error:
		return e
	case *fiber.Error:
		return fiberError(c, e, err)
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fiberError(c, fe, err)
	}
	if e := adapt.DecodeError(err); e != nil {
		return e
	}
	if e := adapt.ValidationError(err, nil, bind.Message); e != nil {
		return e
	}
	if e := conversionError(err); e != nil {
		return e
	}
	return apierr.From(err)
}

// fiberError is the catalog error of fe, found in err's chain.
func fiberError(c *fiber.Ctx, fe *fiber.Error, err error) *apierr.Error {
	e := statusError(c, fe.Code, routerError(c, fe))
	if fe.Code >= 500 {
		e.WithCause(err) // a fresh error: only the 404s are shared
	}
	return e
}

// routerError reports whether fe is fiber's router's answer to a request
// no route matched: its 405 (it sets Allow), or its 404, whose message is
// "Cannot METHOD PATH" (what tells it from a handler's fiber.ErrNotFound).
func routerError(c *fiber.Ctx, fe *fiber.Error) bool {
	var no bool
	switch fe.Code {
	case http.StatusNotFound:
		m := c.Method()
		no = fe != fiber.ErrNotFound && len(fe.Message) > len("Cannot ")+len(m) &&
			strings.HasPrefix(fe.Message, "Cannot ") && fe.Message[len("Cannot "):len("Cannot ")+len(m)] == m
	case http.StatusMethodNotAllowed:
		no = len(c.Response().Header.Peek(fiber.HeaderAllow)) > 0
	}
	if no {
		if rq := requestOf(c); rq != nil {
			rq.noRoute = true
		}
	}
	return no
}

// Shared errors: Write resolves a copy and never changes them.
var (
	errEndpointNotFound = apierr.Cond(apierr.CondEndpointNotFound)
	errNotFound         = apierr.Cond(apierr.CondNotFound)
)

// statusError is the catalog error of a status fiber or a handler set
// without saying more, as the runtime's normalizer builds it.
func statusError(c *fiber.Ctx, status int, noRoute bool) *apierr.Error {
	if status == http.StatusNotFound {
		if noRoute {
			return errEndpointNotFound
		}
		return errNotFound
	}
	m := apierr.MeaningOf(status)
	e := apierr.Cond(m.Condition)
	if !m.Exact {
		e.Status = status
	}
	h := &c.Response().Header
	switch {
	case (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && h.Peek(fiber.HeaderRetryAfter) == nil:
		e.RetryAfter = middleware.NormalizedRetryAfter // every 429 and 503 says when to retry
	case status == http.StatusUnauthorized && h.Peek(fiber.HeaderWWWAuthenticate) == nil:
		e.WithHeader("WWW-Authenticate", "Bearer") // every 401 carries a challenge (RFC 9110 §15.5.2)
	case m.Condition == apierr.CondMethodNotAllowed:
		if allow := string(h.Peek(fiber.HeaderAllow)); allow != "" {
			methods := strings.Split(allow, ",")
			for i := range methods {
				methods[i] = strings.TrimSpace(methods[i])
			}
			e.With("allowed", methods)
		}
	case status == http.StatusRequestEntityTooLarge:
		limit := int64(defaultBodyLimit)
		if rq := requestOf(c); rq != nil {
			limit = rq.a.limit
		}
		e.With("limit_bytes", limit)
	}
	return e
}

// conversionError is malformed_body naming the parameter for fiber's
// QueryParser, ReqHeaderParser and form BodyParser failures (its schema
// decoder's errors), nil for other errors.
func conversionError(err error) *apierr.Error {
	var ce fiber.ConversionError
	var pce *fiber.ConversionError
	var me fiber.MultiError
	name := ""
	switch {
	case errors.As(err, &pce) && pce != nil:
		name = pce.Key
	case errors.As(err, &ce):
		name = ce.Key
	case errors.As(err, &me) && len(me) > 0:
		keys := make([]string, 0, len(me))
		for k := range me {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		name = keys[0]
	default:
		return nil
	}
	e := apierr.Cond(apierr.CondMalformedBody).WithCause(err).WithDetail("A parameter has a value of the wrong type.")
	if name != "" {
		e.With("field", name).WithDetail("The " + name + " parameter has a value of the wrong type.")
	}
	return e
}
