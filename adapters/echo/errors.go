package apierrecho

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/internal/adapt"
	"github.com/apierr/apierr/middleware"
	"github.com/labstack/echo/v4"
)

// handleError is e.HTTPErrorHandler: it renders err as a catalog error.
// A response that already started is left to the runtime, which aborts the
// connection rather than glue an error to a partial body, as on net/http.
func (a *adapter) handleError(err error, c echo.Context) {
	r := c.Request()
	if err == echo.ErrNotFound {
		// The router's 404 (and a handler's) is the most frequent error of
		// all: no allocation to tell which it is.
		e := errEndpointNotFound
		if matched(c) {
			e = errNotFound
		}
		a.cat.Write(c.Response(), r, e)
		return
	}
	e, status := Convert(c, err)
	if e == nil {
		if apierr.StateFrom(r.Context()) != nil {
			// The runtime's normalizer maps a plain status to its catalog
			// error: 404 by whether a route matched, 405 with Allow, 401
			// with a challenge, 429 with Retry-After.
			c.Response().WriteHeader(status)
			return
		}
		// Outside the runtime (a pre-router middleware added before
		// Install): the same mapping without the route.
		e = statusError(status, c.Response().Header())
	}
	a.cat.Write(c.Response(), r, e)
}

// Convert returns the catalog error err stands for, or, for an error that
// only carries a status (echo's sentinels and a plain *echo.HTTPError of a
// 4xx), nil and that status for the runtime's normalizer to map, as it maps
// the same status written by a net/http handler:
//
//   - an *apierr.Error in err's chain (an echo.HTTPError's Internal
//     included) is returned as is;
//   - c.Bind's failures: encoding/json's errors are malformed_body with the
//     field and expected type; a path, query or form parameter of the wrong
//     type (an *echo.BindingError, or DefaultBinder's strconv error) is
//     malformed_body naming the parameter; go-playground's
//     validator.ValidationErrors (from a validator of one's own) are
//     validation_failed with every field;
//   - an *echo.HTTPError of a 5xx is the condition of its status with its
//     Internal error as cause (logged, never sent);
//   - anything else goes through apierr.From: the internal condition with
//     err as cause, payload_too_large for *http.MaxBytesError, timeout for
//     context.DeadlineExceeded.
func Convert(c echo.Context, err error) (*apierr.Error, int) {
	// The usual errors are not wrapped: a type switch finds them without
	// the allocations errors.As costs.
	switch x := err.(type) {
	case *apierr.Error:
		return x, 0
	case *echo.HTTPError:
		return convertHTTPError(c, x)
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae, 0
	}
	var be *echo.BindingError
	if errors.As(err, &be) {
		return badParam(be.Field).WithCause(err), 0
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return badParam(paramWithValue(c, ne.Num)).WithCause(err), 0
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return convertHTTPError(c, he)
	}
	if e := bodyError(err); e != nil {
		return e, 0
	}
	return apierr.From(err), 0
}

// Shared errors: Write resolves a copy and never changes them.
var (
	errEndpointNotFound = apierr.Cond(apierr.CondEndpointNotFound)
	errNotFound         = apierr.Cond(apierr.CondNotFound)
)

func convertHTTPError(c echo.Context, he *echo.HTTPError) (*apierr.Error, int) {
	for he.Internal != nil {
		inner, ok := he.Internal.(*echo.HTTPError)
		if !ok {
			break
		}
		he = inner
	}
	switch in := he.Internal.(type) {
	case *apierr.Error:
		return in, 0
	case *strconv.NumError:
		return badParam(paramWithValue(c, in.Num)).WithCause(in), 0
	}
	if e := bodyError(he.Internal); e != nil {
		return e, 0
	}
	if he.Code == http.StatusUnsupportedMediaType {
		return apierr.Cond(apierr.CondUnsupportedMediaType), 0
	}
	if he.Code >= 500 || he.Code < 400 {
		e := statusError(he.Code, nil)
		cause := error(he)
		if he.Internal != nil {
			cause = he.Internal
		}
		return e.WithCause(cause), 0
	}
	return nil, he.Code
}

// badParam is a path, query or form parameter that cannot be read as the
// type it binds to.
func badParam(name string) *apierr.Error {
	if name == "" {
		return apierr.Cond(apierr.CondMalformedBody).WithDetail("A parameter has a value of the wrong type.")
	}
	return apierr.Cond(apierr.CondMalformedBody).With("field", name).
		WithDetail("The " + name + " parameter has a value of the wrong type.")
}

// paramWithValue names the one path or query parameter whose value is v
// (DefaultBinder's errors carry the value, not the name), or "".
func paramWithValue(c echo.Context, v string) string {
	found := ""
	for i, pv := range c.ParamValues() {
		if pv == v && i < len(c.ParamNames()) {
			if found != "" {
				return ""
			}
			found = c.ParamNames()[i]
		}
	}
	for name, vs := range c.QueryParams() {
		for _, qv := range vs {
			if qv == v {
				if found != "" && found != name {
					return ""
				}
				found = name
			}
		}
	}
	return found
}

// bodyError maps the errors of JSON decoding and validation.
func bodyError(err error) *apierr.Error {
	if err == nil {
		return nil
	}
	if e := adapt.DecodeError(err); e != nil {
		return e
	}
	return adapt.ValidationError(err, nil, bind.Message)
}

// statusError is the catalog error of a plain status, as the runtime's
// normalizer builds it, for the errors rendered outside the runtime and
// the 5xx whose cause must reach the log.
func statusError(status int, h http.Header) *apierr.Error {
	m := apierr.MeaningOf(status)
	cond, exact := m.Condition, m.Exact
	e := apierr.Cond(cond)
	if !exact {
		e.Status = status
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		e.RetryAfter = middleware.NormalizedRetryAfter
	case http.StatusUnauthorized:
		e.WithHeader("WWW-Authenticate", "Bearer")
	case http.StatusMethodNotAllowed:
		if allow := h.Get("Allow"); allow != "" {
			e.With("allowed", allow)
		}
	}
	return e
}
