package apierrhuma

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/adapt"
	"github.com/apierr/apierr/middleware"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
)

// Convert returns the catalog error for what huma's error constructors are
// given (a status, a message, the errors behind it):
//
//   - an *apierr.Error among errs (a handler returned one) is returned as is;
//   - huma's request validation (422 with error details) is
//     validation_failed, one field error per detail, named by its location
//     without "body." (or "query.", "path.", "header.", "cookie.") and
//     given a rule from huma's message (required, pattern, minLength, type,
//     …; "schema" for a message the table does not know);
//   - a body huma could not parse (400 on "body") is malformed_body, an
//     empty required body too; 413 is payload_too_large with the limit; 415
//     is unsupported_media_type;
//   - any other status is the condition it stands for, as the runtime's
//     normalizer maps it; below 500 the message (a handler's
//     huma.Error404NotFound("no such fax")) becomes the detail, from 500 on
//     it and the errors are only the cause, logged and never sent.
func Convert(status int, msg string, errs ...error) *apierr.Error {
	details := make([]*huma.ErrorDetail, 0, len(errs))
	var cause error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ae *apierr.Error
		if errors.As(err, &ae) {
			return ae
		}
		if d, ok := err.(huma.ErrorDetailer); ok {
			details = append(details, d.ErrorDetail())
		} else if cause == nil {
			cause = err
		}
	}
	switch {
	case status == 0:
		return apierr.Cond(apierr.CondInternal)
	case status == http.StatusUnprocessableEntity && len(details) > 0:
		e := apierr.Cond(apierr.CondValidationFailed)
		e.Fields = make([]apierr.FieldError, 0, len(details))
		for _, d := range details {
			e.Fields = append(e.Fields, fieldError(d))
		}
		return adapt.Summary(e)
	case status == http.StatusBadRequest && (len(details) > 0 && details[0].Location == "body"):
		return apierr.Cond(apierr.CondMalformedBody).
			WithDetail("The request body is not valid JSON: " + strings.TrimPrefix(details[0].Message, "json: ") + ".")
	case status == http.StatusBadRequest && msg == "request body is required":
		return apierr.Cond(apierr.CondMalformedBody).WithDetail("The request body is empty; send a JSON document.")
	case status == http.StatusRequestEntityTooLarge:
		e := apierr.Cond(apierr.CondPayloadTooLarge)
		if _, v, ok := strings.Cut(msg, "limit="); ok {
			if n, err := strconv.ParseInt(strings.TrimSuffix(v, " bytes"), 10, 64); err == nil {
				e.With("limit_bytes", n)
			}
		}
		return e
	case status == http.StatusUnsupportedMediaType:
		return apierr.Cond(apierr.CondUnsupportedMediaType)
	}
	m := apierr.MeaningOf(status)
	cond, exact := m.Condition, m.Exact
	e := apierr.Cond(cond)
	if !exact {
		e.Status = status
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		e.RetryAfter = middleware.NormalizedRetryAfter
	}
	statusHeader(e, status)
	if status >= 500 {
		if cause == nil && msg != "" {
			cause = errors.New(msg)
		}
		return e.WithCause(cause)
	}
	if msg != "" && msg != http.StatusText(status) {
		e.Detail = msg
	}
	return e
}

// locations are the prefixes of huma's error locations; the client named
// the field without them.
var locations = []string{"body.", "query.", "path.", "header.", "cookie."}

// rules maps huma's validation messages to a rule and an English message:
// {field} is the field, {param} what the message's verb stood for. Specific
// formats come before the general ones that share their start.
var rules = []struct{ format, rule, message string }{
	{validation.MsgExpectedRequiredProperty, "required", "The {field} field is required."},
	{validation.MsgExpectedDependentRequiredProperty, "required_with", "The {field} field is required with another field."},
	{validation.MsgUnexpectedProperty, "additionalProperties", "{field} is not a field this endpoint accepts."},
	{validation.MsgExpectedMatchPattern, "pattern", "{field} must match the pattern {param}."},
	{validation.MsgExpectedMinLength, "minLength", "{field} must be at least {param} characters long."},
	{validation.MsgExpectedMaxLength, "maxLength", "{field} must be at most {param} characters long."},
	{validation.MsgExpectedMinimumNumber, "minimum", "{field} must be at least {param}."},
	{validation.MsgExpectedMaximumNumber, "maximum", "{field} must be at most {param}."},
	{validation.MsgExpectedExclusiveMinimumNumber, "exclusiveMinimum", "{field} must be greater than {param}."},
	{validation.MsgExpectedExclusiveMaximumNumber, "exclusiveMaximum", "{field} must be less than {param}."},
	{validation.MsgExpectedNumberBeMultipleOf, "multipleOf", "{field} must be a multiple of {param}."},
	{validation.MsgExpectedMinItems, "minItems", "{field} must contain at least {param} items."},
	{validation.MsgExpectedMaxItems, "maxItems", "{field} must contain at most {param} items."},
	{validation.MsgExpectedArrayItemsUnique, "uniqueItems", "{field} must not contain duplicates."},
	{validation.MsgExpectedOneOf, "enum", "{field} must be one of: {param}."},
	{validation.MsgExpectedRFC5322Email, "email", "{field} must be a valid email address."},
	{validation.MsgExpectedRFC4122UUID, "uuid", "{field} must be a valid UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)."},
	{validation.MsgExpectedRFC3986URI, "uri", "{field} must be a valid URL."},
	{validation.MsgExpectedRFC3339DateTime, "date-time", "{field} must be an RFC 3339 date and time."},
	{validation.MsgExpectedRFC3339Date, "date", "{field} must be an RFC 3339 date."},
	{validation.MsgExpectedBase64String, "base64", "{field} must be base64-encoded."},
	{validation.MsgExpectedBoolean, "type", "{field} must be true or false."},
	{validation.MsgExpectedNumber, "type", "{field} must be a number."},
	{validation.MsgExpectedInteger, "type", "{field} must be an integer."},
	{validation.MsgExpectedString, "type", "{field} must be a string."},
	{validation.MsgExpectedArray, "type", "{field} must be an array."},
	{validation.MsgExpectedObject, "type", "{field} must be an object."},
	{validation.MsgExpectedBePattern, "pattern", "{field} must be {param}."},
	// Parameters (path, query, header) huma parses before validating.
	{"invalid integer", "type", "{field} must be an integer."},
	{"invalid float", "type", "{field} must be a number."},
	{"invalid boolean", "type", "{field} must be true or false."},
}

// fieldError turns one of huma's error details into a field error.
func fieldError(d *huma.ErrorDetail) apierr.FieldError {
	field := d.Location
	if field == "body" {
		field = ""
	}
	for _, p := range locations {
		if rest, ok := strings.CutPrefix(field, p); ok {
			field = rest
			break
		}
	}
	for _, r := range rules {
		param, ok := match(r.format, d.Message)
		if !ok {
			continue
		}
		if r.rule == "required" || r.rule == "additionalProperties" {
			// The location is the object; the message names the member.
			if f := strings.Fields(param); len(f) > 0 {
				field = join(field, f[0])
			}
		}
		name := field
		if name == "" {
			name = "The body"
		}
		msg := strings.Replace(r.message, "{field}", name, 1)
		if param != "" {
			msg = strings.Replace(msg, "{param}", param, 1)
		}
		return apierr.FieldError{Field: field, Rule: r.rule, Message: msg}
	}
	name := field
	if name == "" {
		name = "body"
	}
	return apierr.FieldError{Field: field, Rule: "schema", Message: name + ": " + d.Message + "."}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// match reports whether msg was made from format (one verb at most) and
// returns what the verb stood for.
func match(format, msg string) (string, bool) {
	i := strings.IndexByte(format, '%')
	if i < 0 {
		return "", msg == format
	}
	prefix, suffix := format[:i], format[min(i+2, len(format)):]
	if len(msg) < len(prefix)+len(suffix) || !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, suffix) {
		return "", false
	}
	return msg[len(prefix) : len(msg)-len(suffix)], true
}
