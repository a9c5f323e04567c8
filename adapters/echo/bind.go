package apierrecho

import (
	"mime"
	"net/http"

	"github.com/apierr/apierr/bind"
	"github.com/labstack/echo/v4"
)

// Binder is the echo.Binder Install sets. It binds as echo's DefaultBinder
// does (path parameters, then query parameters for GET, DELETE and HEAD,
// then the body), decodes a JSON body with apierr's binder (the body's
// limit, line and column of a syntax error, the JSON path of a value of the
// wrong type) and validates the result: c.Bind returns nil or a catalog
// error, every violation at once. Bodies of other media types (forms, XML)
// go to echo's DefaultBinder and are validated the same way.
type Binder struct {
	// Binder decodes and validates (nil: bind's default Binder, with the
	// rules "e164" and "uuid" beside go-playground's own).
	Binder *bind.Binder
}

// validate and decode use b, or bind's default Binder when b is nil.
func validate(b *bind.Binder, i any) error {
	if b == nil {
		return bind.Validate(i)
	}
	return b.Validate(i)
}

func decode(b *bind.Binder, r *http.Request, i any) error {
	if b == nil {
		return bind.JSON(r, i)
	}
	return b.JSON(r, i)
}

var _ echo.Binder = (*Binder)(nil)

// Bind binds the request of c into i and validates i.
func (b *Binder) Bind(i any, c echo.Context) error {
	var d echo.DefaultBinder
	if err := d.BindPathParams(c, i); err != nil {
		return err
	}
	r := c.Request()
	switch r.Method {
	case http.MethodGet, http.MethodDelete, http.MethodHead:
		if err := d.BindQueryParams(c, i); err != nil {
			return err
		}
	}
	if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		if mt == echo.MIMEApplicationJSON {
			return decode(b.Binder, r, i)
		}
		if err := d.BindBody(c, i); err != nil {
			return err
		}
	}
	return validate(b.Binder, i)
}

// Validator is the echo.Validator Install sets: c.Validate(i) checks i with
// apierr's validator (fields named by their JSON names, every violation at
// once) and returns nil or validation_failed.
type Validator struct {
	// Binder validates (nil: bind's default Binder).
	Binder *bind.Binder
}

// Validate checks i.
func (v Validator) Validate(i any) error { return validate(v.Binder, i) }
