package apierrfiber

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/gofiber/fiber/v2"
)

// Bind decodes c's JSON body into v and validates it with apierr's bind
// package (its default Binder: go-playground/validator's rules with the
// validate tag, "e164" and "uuid"), so the errors are those of bind.JSON on
// net/http:
//
//   - unsupported_media_type (415) for a body that is not JSON
//     (Content-Type application/json or *+json);
//   - payload_too_large, malformed_body (line, column, field, expected),
//     validation_failed with every field named as the client sent it,
//     worded in the request's language.
//
// The body is the one the wrapped net/http middleware handed on, if any
// (a middleware.BodyLimit's cap applies), else fiber's.
func Bind(c *fiber.Ctx, v any, opts ...bind.Option) error { return BindWith(nil, c, v, opts...) }

// BindWith is Bind with b, a Binder of one's own rules (nil: bind's
// default).
func BindWith(b *bind.Binder, c *fiber.Ctx, v any, opts ...bind.Option) error {
	body := c.Body()
	if ct := c.Get(fiber.HeaderContentType); len(body) > 0 && !isJSON(ct) {
		return apierr.Cond(apierr.CondUnsupportedMediaType).With("supported", []string{fiber.MIMEApplicationJSON})
	}
	var r *http.Request
	if rq := requestOf(c); rq != nil && rq.full != nil {
		r = rq.full
	} else {
		r = &http.Request{Method: c.Method(), Header: http.Header{}, Body: http.NoBody}
		if lang := c.Get(fiber.HeaderAcceptLanguage); lang != "" {
			r.Header["Accept-Language"] = []string{lang}
		}
		if len(body) > 0 {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		r = r.WithContext(c.UserContext())
	}
	if b == nil {
		return bind.JSON(r, v, opts...)
	}
	return b.JSON(r, v, opts...)
}

// isJSON reports whether ct is application/json or a *+json type.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == fiber.MIMEApplicationJSON || strings.HasSuffix(mt, "+json")
}
