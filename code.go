package apierr

import "time"

// Code is one catalog entry: a stable machine-readable id and everything the
// wire and the docs say about it.
type Code struct {
	// ID is the stable code, in the API's own case style.
	ID string
	// Status is the HTTP status, 400–599.
	Status int
	// Title is a short summary (the docs heading, RFC 9457 title).
	Title string
	// Message is the default human-readable message.
	Message string
	// Detail is the default occurrence detail, for formats that carry one.
	Detail string
	// Action is the programmatic next step, e.g. "top_up_balance".
	Action string
	// Retryable says whether the same request may succeed later unchanged.
	Retryable bool
	// Condition is the built-in condition this code stands for, if any.
	Condition Condition
	// Also lists further conditions this code stands for: an existing API
	// often folds several into one code (seed 004's UNAUTHORIZED covers a
	// missing, a malformed and an unknown key). In YAML, `condition:` takes a
	// list; its first item is Condition, the rest are Also.
	Also []Condition
	// Rules are validation rules (e.g. "uuid", "e164") whose failure, as the
	// first field error of a validation failure, is reported with this code.
	Rules []string
	// Docs are the documentation sections.
	Docs Docs
	// ContextKeys documents the context members this code may carry.
	ContextKeys []ContextKey
	// Example is the documented example occurrence, if any.
	Example *Example
	// Fallback is true for codes taken from the default catalog because the
	// catalog bound no code to their condition.
	Fallback bool

	pos  pos
	docs string // the permalink, computed when the catalog is built
	orig *Code  // in a view made by Localized, the catalog's own code
}

// Docs are a code's documentation sections.
type Docs struct {
	When  string // when it fires
	Cause string // what caused it
	Next  string // the next step
}

// ContextKey documents one context member.
type ContextKey struct {
	Name        string
	Type        string // JSON type: string, integer, number, boolean, object, array
	Description string
	// Required says every error of the code carries the key; a key not
	// required may be absent (generated constructors make it optional).
	Required bool
	// Items is the JSON type of an array's elements, when documented.
	Items string
}

// Example is a documented occurrence of a code: the members that differ from
// the code's defaults. Rendering it with the catalog's format gives the
// example body of the docs.
type Example struct {
	Message    string
	Detail     string
	Context    map[string]any
	Fields     []FieldError
	RetryAfter time.Duration
	RequestID  string
}

// Error returns a fresh *Error for this code with the catalog's defaults filled.
func (c *Code) Error() *Error {
	return &Error{Code: c.ID, Condition: c.Condition, Status: c.Status, Title: c.Title,
		Message: c.Message, Detail: c.Detail, Action: c.Action, Retryable: c.Retryable}
}

// ExampleError returns the *Error of the documented example (or of the
// defaults when the code has no example).
func (c *Code) ExampleError() *Error {
	e := c.Error()
	if x := c.Example; x != nil {
		if x.Message != "" {
			e.Message = x.Message
		}
		if x.Detail != "" {
			e.Detail = x.Detail
		}
		if len(x.Context) > 0 {
			e.Context = make(map[string]any, len(x.Context))
			for k, v := range x.Context {
				e.Context[k] = v
			}
		}
		e.Fields = append([]FieldError(nil), x.Fields...)
		e.RetryAfter = x.RetryAfter
		e.RequestID = x.RequestID
	}
	return e
}
