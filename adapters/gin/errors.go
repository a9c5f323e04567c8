package apierrgin

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/internal/adapt"
	"github.com/apierr/apierr/middleware"
	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
)

// Convert returns the catalog error for an error attached with c.Error,
// given the status the handler set (0 when none), or nil when the status
// alone says what happened (a plain error with a 4xx status: the runtime's
// normalizer maps the status as it maps one a net/http handler writes):
//
//   - an *apierr.Error in err's chain is returned as is;
//   - ShouldBind's failures: encoding/json's errors are malformed_body with
//     the field and expected type; a query, form or URI parameter of the
//     wrong type (a strconv error) is malformed_body naming the
//     parameter; validator.ValidationErrors are validation_failed with
//     every field;
//   - a plain error with a 5xx status, or with none, is the condition of
//     that status (internal without one) with err as cause: logged, never
//     sent.
func Convert(c *gin.Context, err error, status int) *apierr.Error {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if e := adapt.DecodeError(err); e != nil {
		return e
	}
	if e := adapt.ValidationError(err, nil, bind.Message); e != nil {
		return e
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		name := paramWithValue(c, ne.Num)
		e := apierr.Cond(apierr.CondMalformedBody).WithCause(err).WithDetail("A parameter has a value of the wrong type.")
		if name != "" {
			e.With("field", name).WithDetail("The " + name + " parameter has a value of the wrong type.")
		}
		return e
	}
	switch {
	case status == 0:
		return apierr.From(err)
	case status >= 500:
		return statusError(status).WithCause(err)
	}
	return nil
}

// statusError is the catalog error of a 5xx status, as the runtime's
// normalizer builds it.
func statusError(status int) *apierr.Error {
	m := apierr.MeaningOf(status)
	cond, exact := m.Condition, m.Exact
	e := apierr.Cond(cond)
	if !exact {
		e.Status = status
	}
	if status == http.StatusServiceUnavailable {
		e.RetryAfter = middleware.NormalizedRetryAfter
	}
	return e
}

// paramWithValue names the one path or query parameter whose value is v
// (gin's binding errors carry the value, not the name), or "".
func paramWithValue(c *gin.Context, v string) string {
	found := ""
	for _, p := range c.Params {
		if p.Value == v {
			if found != "" {
				return ""
			}
			found = p.Key
		}
	}
	for name, vs := range c.Request.URL.Query() {
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

// structValidator wraps gin's validator: the rules and tags stay its own,
// and its errors become validation_failed with fields named by JSON path,
// which needs the validated value's type.
type structValidator struct{ binding.StructValidator }

// ValidateStruct validates obj with the wrapped validator.
func (v structValidator) ValidateStruct(obj any) error {
	err := v.StructValidator.ValidateStruct(obj)
	if err == nil {
		return nil
	}
	if e := adapt.ValidationError(err, reflect.TypeOf(obj), bind.Message); e != nil {
		return e
	}
	return err
}
