package apierr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is one API error: what the client sees (code, status, message, …) and,
// kept apart, the cause that only the logs see.
//
// An Error may be partial: New("insufficient_balance") carries only a code, and
// the catalog fills status, message, action and docs when the error is written.
// Fields set on the Error win over the catalog's defaults.
//
// The With* methods mutate and return the receiver so they chain; call them on
// an Error you own (one built by New or Cond), never on a shared value.
type Error struct {
	// Code is the catalog code, e.g. "insufficient_balance".
	Code string
	// Condition is the built-in condition this error stands for, if any. An
	// Error with a condition and no code takes the code the catalog binds to it.
	Condition Condition
	// Status is the HTTP status; 0 means "the catalog's".
	Status int
	// Title is a short, occurrence-independent summary.
	Title string
	// Message is the human-readable message sent to the client.
	Message string
	// Detail is optional occurrence-specific explanation.
	Detail string
	// Action is the programmatic next step, e.g. "top_up_balance".
	Action string
	// Docs is the permalink to this code's documentation.
	Docs string
	// Retryable says whether the same request may succeed later.
	Retryable bool
	// Context holds extra, documented, client-safe data.
	Context map[string]any
	// Fields are field-level validation errors, in the order found.
	Fields []FieldError
	// RetryAfter, when positive, is sent as Retry-After (whole seconds, rounded up).
	RetryAfter time.Duration
	// RequestID identifies the request; Write fills it from the request.
	RequestID string
	// TraceID identifies the request's distributed trace (a W3C trace-id,
	// 32 hex digits). It is rendered only when set, and Write fills it only
	// from a State whose telemetry was asked to (State.SetTraceID): by
	// default bodies keep exactly the shape the catalog documents.
	TraceID string
	// Instance identifies the occurrence (RFC 9457); Write fills it with the path.
	Instance string
	// Header holds extra response headers such as WWW-Authenticate or Allow.
	Header http.Header

	cause    error
	resolved bool
}

// FieldError is one violation of one request field.
type FieldError struct {
	// Field is the field's path as the client named it, e.g. "participant.number".
	Field string `json:"field"`
	// Rule is the rule that failed, e.g. "required", "e164", "uuid".
	Rule string `json:"rule,omitempty"`
	// Message is a human-readable message about this field.
	Message string `json:"message"`
}

// New returns an Error for a catalog code; the catalog fills the rest when it
// is written.
func New(code string) *Error { return &Error{Code: code} }

// Errorf returns an Error for code with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Cond returns an Error for a built-in condition; the catalog decides its code.
func Cond(c Condition) *Error { return &Error{Condition: c} }

// Wrap returns an Error for code whose cause is err. The cause is logged and
// never sent.
func Wrap(err error, code string) *Error { return &Error{Code: code, cause: err} }

// Internal returns the internal condition with err as its cause.
func Internal(err error) *Error { return &Error{Condition: CondInternal, cause: err} }

// With sets one context member.
func (e *Error) With(key string, value any) *Error {
	if e.Context == nil {
		e.Context = make(map[string]any, 4)
	}
	e.Context[key] = value
	return e
}

// WithMessage sets the client-facing message.
func (e *Error) WithMessage(msg string) *Error { e.Message = msg; return e }

// WithDetail sets the occurrence-specific detail.
func (e *Error) WithDetail(detail string) *Error { e.Detail = detail; return e }

// WithField adds a field-level error.
func (e *Error) WithField(field, rule, msg string) *Error {
	e.Fields = append(e.Fields, FieldError{Field: field, Rule: rule, Message: msg})
	return e
}

// WithRetryAfter sets how long the client should wait before retrying.
func (e *Error) WithRetryAfter(d time.Duration) *Error { e.RetryAfter = d; return e }

// WithCause sets the cause: logged, never rendered.
func (e *Error) WithCause(err error) *Error { e.cause = err; return e }

// WithStatus overrides the catalog's status.
func (e *Error) WithStatus(status int) *Error { e.Status = status; return e }

// WithHeader adds a response header sent with this error.
func (e *Error) WithHeader(key, value string) *Error {
	if e.Header == nil {
		e.Header = make(http.Header, 1)
	}
	e.Header.Add(key, value)
	return e
}

// Cause returns the wrapped cause (nil if none). It is for logs only.
func (e *Error) Cause() error { return e.cause }

// Unwrap returns the cause so errors.Is and errors.As see through an Error.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error with the same code or, when target
// has no code, the same condition. It lets callers write
// errors.Is(err, apierr.New("not_found")) or errors.Is(err, apierr.Cond(apierr.CondRateLimited)).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil {
		return false
	}
	if t.Code != "" {
		return e.Code == t.Code
	}
	return t.Condition != "" && e.Condition == t.Condition
}

// Error reads well in a log line:
//
//	apierr: insufficient_balance (402): Insufficient balance for this operation.: cause
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("apierr: ")
	switch {
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Condition != "":
		b.WriteString(string(e.Condition))
	default:
		b.WriteString("error")
	}
	if e.Status != 0 {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" [request_id=")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// From converts any error to an *Error. An *Error in err's chain is returned
// as is; well-known standard errors map to their conditions (a
// *http.MaxBytesError to payload too large, context.DeadlineExceeded to
// timeout); anything else becomes the internal condition with err as cause.
// From(nil) is nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok {
		return e
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Condition: CondPayloadTooLarge, cause: err, Context: map[string]any{"limit_bytes": mbe.Limit}}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Condition: CondTimeout, cause: err}
	}
	return &Error{Condition: CondInternal, cause: err}
}

// CodeOf returns the code of the *Error in err's chain, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// RetryAfterSeconds returns RetryAfter in whole seconds, rounded up; 0 when unset.
func (e *Error) RetryAfterSeconds() int64 {
	if e.RetryAfter <= 0 {
		return 0
	}
	return int64((e.RetryAfter + time.Second - 1) / time.Second)
}
