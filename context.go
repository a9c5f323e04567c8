package apierr

import (
	"context"
	"fmt"
	"net/http"
)

// State is the per-request record apierr's layers share: the catalog that
// renders the request's errors, the request ID, the caller, the matched
// route, and the error the client was sent. Its fields are unexported; what
// may happen to them is what its methods say, so every layer (in this
// module or outside it) follows the same rules:
//
//   - Creation: the outermost layer (middleware.Stack, middleware.RequestID)
//     makes one State per request with NewState (or Reset, to keep it in an
//     allocation of its own) and carries it with NewContext. A layer that
//     finds none may make one; StateFrom returns nil outside apierr.
//   - Rendering: Write marks the State rendered with the error it wrote. The
//     first rendered error is the one the client got: a later Write does not
//     replace it. A layer that sends a catalog error without Write (a replay
//     of a stored response) calls MarkRendered, so the normalizer leaves the
//     response alone and the logger reports its code.
//   - Logging: one record per error response. A layer that logs every error
//     response calls ClaimLog before running the handler and logs only if it
//     returned true; Write logs a 5xx cause itself only when no layer has
//     claimed the record.
//   - Route: every layer calls RecordRoute with the request it was given
//     (routers such as chi set r.Pattern on their own copy of the request).
//     The normalizer tells a plain 404 of a matched route (not_found) from
//     one of no route (endpoint_not_found) by it, and the logger reports it.
//   - Caller: authentication calls SetPrincipal; a layer that changes how
//     errors look for some routes calls SetCatalog.
//   - Trace: a telemetry layer asked to put the trace ID in error bodies
//     calls SetTraceID; Write renders it in every error of the request.
//   - Goroutines: a State is not safe for concurrent use. Layers use it on the
//     request's goroutine, or after a happens-before edge (the handler's
//     return). A layer that runs the handler on another goroutine
//     (middleware.Timeout) gives it a Fork and, when it returns in time,
//     Joins it back: a late handler then never touches the State the
//     outer layers read.
//
// The read side (Catalog, RequestID, Principal, Route, Rendered, Err, Status,
// Code) is what telemetry and adapters use after the handler returns. Every
// method accepts a nil *State: readers get zero values, writers do nothing.
type State struct {
	catalog   *Catalog
	requestID string
	principal *Principal
	req       *http.Request // the most specific request seen (RecordRoute)
	err       *Error        // the rendered error (resolved), nil if none
	rendered  bool          // an error response was written for this request
	observed  bool          // a layer has claimed the log record of the response
	traceID   string        // SetTraceID

	ctx stateContext // storage for the context Attach returns
}

// NewState returns the State of a new request rendered with cat (nil means
// Default()) and identified by requestID.
func NewState(cat *Catalog, requestID string) *State {
	s := new(State)
	s.Reset(cat, requestID)
	return s
}

// Reset makes s the State of a new request, as NewState does, for a layer
// that keeps the State inside an allocation of its own (middleware.Stack
// keeps it in its response writer). It must not be called on a State other
// code may still hold.
func (s *State) Reset(cat *Catalog, requestID string) {
	*s = State{catalog: cat, requestID: requestID}
}

// Attach returns parent carrying s, as NewContext(parent, s) does, without
// allocating: the context is kept inside s. It is for the layer that made s
// (with NewState or Reset), once per request: a second Attach, or a Reset,
// changes what the first context returned answers.
func (s *State) Attach(parent context.Context) context.Context {
	s.ctx = stateContext{Context: parent, s: s}
	return &s.ctx
}

// Catalog returns the catalog that renders this request's errors: the one
// the State was made with, or Default().
func (s *State) Catalog() *Catalog {
	if s == nil || s.catalog == nil {
		return Default()
	}
	return s.catalog
}

// SetCatalog makes cat render this request's errors from now on (a nil cat
// is ignored).
func (s *State) SetCatalog(cat *Catalog) {
	if s != nil && cat != nil {
		s.catalog = cat
	}
}

// RequestID returns the request's ID, "" for a nil State.
func (s *State) RequestID() string {
	if s == nil {
		return ""
	}
	return s.requestID
}

// Principal returns the authenticated caller, nil before authentication.
func (s *State) Principal() *Principal {
	if s == nil {
		return nil
	}
	return s.principal
}

// SetPrincipal records the authenticated caller. The principal must not be
// modified afterwards: every later layer shares it.
func (s *State) SetPrincipal(p *Principal) {
	if s != nil {
		s.principal = p
	}
}

// Route returns the matched route pattern (e.g. "POST /fax/{id}") of the
// most specific request recorded, "" when no router matched it.
func (s *State) Route() string {
	if s == nil || s.req == nil {
		return ""
	}
	return s.req.Pattern
}

// RecordRoute records r as the most specific request the handler chain has
// seen so far (one carrying s). Route reads r.Pattern when asked rather
// than now: ServeMux sets Pattern on the request it is given, after the
// layers outside it have run, and chi sets it on a copy of its own that
// only the layers inside the router see. Every apierr layer calls it on
// entry; a layer of another package that may sit inside a router should
// too.
func (s *State) RecordRoute(r *http.Request) {
	if s != nil && r != nil {
		s.req = r
	}
}

// Rendered reports whether an error response was written for the request
// (by Write, or by a layer that called MarkRendered).
func (s *State) Rendered() bool { return s != nil && s.rendered }

// Err returns the error the client was sent, resolved against the catalog
// (code, status, message, request ID, cause), or nil when none was rendered
// or the layer that rendered it knew no code (MarkRendered(nil)). It must
// not be modified.
func (s *State) Err() *Error {
	if s == nil || !s.rendered {
		return nil
	}
	return s.err
}

// Status returns the status of the rendered error, 0 when none is known.
func (s *State) Status() int {
	if e := s.Err(); e != nil {
		return e.Status
	}
	return 0
}

// Code returns the code of the rendered error, "" when none is known.
func (s *State) Code() string {
	if e := s.Err(); e != nil {
		return e.Code
	}
	return ""
}

// MarkRendered records that a catalog error response was written without
// Write (a replayed response): e, when not nil, describes it (Code and
// Status at least). When an error was already rendered, the first one stays.
func (s *State) MarkRendered(e *Error) {
	if s == nil || s.rendered {
		return
	}
	s.rendered = true
	s.err = e
}

// ClaimLog claims the one log record of the response for the caller. It
// returns true the first time it is called for a request, false when
// another layer has claimed it; after any claim, Write no longer logs 5xx
// causes itself.
func (s *State) ClaimLog() bool {
	if s == nil || s.observed {
		return false
	}
	s.observed = true
	return true
}

// Fork returns a copy of s for a handler that runs on another goroutine:
// what the handler changes stays in the copy until Join, so a handler still
// running after its caller gave up on it never races with the outer layers.
// The copy does not share the rendered error's storage.
func (s *State) Fork() *State {
	if s == nil {
		return nil
	}
	cp := *s
	cp.err = nil
	cp.ctx = stateContext{}
	return &cp
}

// Join takes back what the handler given fork changed (every field), once
// the handler has returned. The error rendered before the fork, if any,
// stays the request's error.
func (s *State) Join(fork *State) {
	if s == nil || fork == nil {
		return
	}
	err, ctx := s.err, s.ctx
	*s = *fork
	s.ctx = ctx // Attach's context stays s's
	if s.err == nil {
		s.err = err
	}
}

// SetTraceID makes Write put id, the request's trace ID (W3C trace-id,
// 32 hex digits), in the error bodies it renders for this request
// (Error.TraceID, "trace_id" in the built-in formats). Telemetry calls it
// only when asked to (apierrotel's Config.TraceIDInBody): by default no
// body carries a trace ID.
func (s *State) SetTraceID(id string) {
	if s != nil {
		s.traceID = id
	}
}

// TraceID returns the trace ID SetTraceID recorded, "" when none.
func (s *State) TraceID() string {
	if s == nil {
		return ""
	}
	return s.traceID
}

// Principal is the authenticated caller, the same whether it came from an API
// key or a token.
type Principal struct {
	// Tenant is the account, workspace or organisation the caller acts for.
	Tenant string
	// Subject is the user or service account, when known.
	Subject string
	// KeyID identifies the API key used (never the key itself).
	KeyID string
	// Environment is e.g. "test" or "live".
	Environment string
	// Scopes are the permissions granted.
	Scopes []string
	// Method says how the caller authenticated: "api_key" or "token".
	Method string
}

// HasScope reports whether p was granted scope.
func (p *Principal) HasScope(scope string) bool {
	if p == nil {
		return false
	}
	for _, s := range p.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

type stateKey struct{}

// NewContext returns ctx carrying s.
func NewContext(ctx context.Context, s *State) context.Context {
	return context.WithValue(ctx, stateKey{}, s)
}

// stateContext is the context Attach returns: parent with the State as the
// value of stateKey (what context.WithValue would make, kept inside the State).
type stateContext struct {
	context.Context
	s *State
}

// Value returns the State for stateKey and asks the parent otherwise.
func (c *stateContext) Value(key any) any {
	if _, ok := key.(stateKey); ok {
		return c.s
	}
	return c.Context.Value(key)
}

// String names the context as context.WithValue's would be named.
func (c *stateContext) String() string {
	return fmt.Sprint(c.Context) + ".WithValue(apierr.State)"
}

// StateFrom returns the request's State, or nil outside apierr's middleware.
func StateFrom(ctx context.Context) *State {
	s, _ := ctx.Value(stateKey{}).(*State)
	return s
}

// RequestID returns the request ID carried by ctx, or "".
func RequestID(ctx context.Context) string {
	return StateFrom(ctx).RequestID()
}

// PrincipalFrom returns the authenticated caller carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	return StateFrom(ctx).Principal()
}

// CatalogFrom returns the catalog carried by ctx, or the default catalog.
func CatalogFrom(ctx context.Context) *Catalog {
	return StateFrom(ctx).Catalog()
}
