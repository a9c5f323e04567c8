package apierr

import (
	"net/http"
	"slices"
	"strings"
)

// Raiser is implemented by a handler that may answer a request itself with
// a built-in condition before, or instead of, calling the handler it wraps:
// the handlers apierr's middleware return (auth.New, ratelimit, idempotency,
// middleware.BodyLimit …) all are. Raises returns those conditions and the
// wrapped handler (nil when none), so that Routes can tell, without sending
// a request, every code a route can answer with. It is read when routes are
// registered, never while a request is served, and must be safe to call
// concurrently.
type Raiser interface {
	Raises() (conds []Condition, next http.Handler)
}

// RaisingHandler returns a handler that serves requests with serve and,
// as a Raiser, reports conds and next. A middleware returns it in place of
// http.HandlerFunc(serve): it costs the same per request.
func RaisingHandler(next http.Handler, conds []Condition, serve http.HandlerFunc) http.Handler {
	return &raising{serve: serve, next: next, conds: slices.Clone(conds)}
}

// Declare returns a handler that serves as h does and declares that it may
// raise conds, beside whatever h itself reports: for a handler that raises
// conditions from its body, e.g. Declare(h, bind.Conditions()...) for one
// that binds its JSON body with package bind.
func Declare(h http.Handler, conds ...Condition) http.Handler {
	return RaisingHandler(h, conds, h.ServeHTTP)
}

type raising struct {
	serve http.HandlerFunc
	next  http.Handler
	conds []Condition
}

func (h *raising) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r) }

func (h *raising) Raises() ([]Condition, http.Handler) { return h.conds, h.next }

// Raises reports that a handler returning errors may answer CondInternal:
// a plain Go error is rendered as internal.
func (f HandlerFunc) Raises() ([]Condition, http.Handler) {
	return []Condition{CondInternal}, nil
}

// RaisedBy returns the conditions h may raise: its own when it is a Raiser,
// then those of the handlers it wraps, in order, without duplicates. A
// handler that is not a Raiser ends the walk (its own conditions cannot be
// known).
func RaisedBy(h http.Handler) []Condition {
	var out []Condition
	for depth := 0; h != nil && depth < 1000; depth++ {
		r, ok := h.(Raiser)
		if !ok {
			break
		}
		conds, next := r.Raises()
		for _, c := range conds {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		h = next
	}
	return out
}

// Mux is what Routes registers handlers on: *http.ServeMux, or an adapter
// for another router whose patterns read "METHOD /path".
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Routes registers handlers on a mux, exactly as its Handle does, and
// records each route with a method as an Operation: the codes the catalog
// declares for it (operations: and common_codes:) and the codes the
// catalog binds to the conditions its handler chain raises (see Raiser).
// So the codes middleware add (authentication, limits, idempotency, body
// limits) need not be listed by hand:
//
//	routes := apierr.NewRoutes(cat, mux)
//	routes.Handle("POST /fax", auth(limit(idem(apierr.HandlerFunc(createFax)))))
//	ops := routes.Operations() // for docgen, the OpenAPI merge, apierrtest
//
// Conditions raised by middleware around the whole mux (middleware.Stack's
// internal on a panic, a Timeout's timeout, Maintenance's unavailable) are
// not seen here: declare their codes in common_codes. Routes costs nothing
// per request: it only reads the chain when Operations is called. Use it
// from one goroutine while registering, as a ServeMux.
type Routes struct {
	cat    *Catalog
	mux    Mux
	routes []route
}

type route struct {
	method, path string
	h            http.Handler
}

// NewRoutes returns a Routes that registers on mux and resolves codes in
// cat.
func NewRoutes(cat *Catalog, mux Mux) *Routes {
	return &Routes{cat: cat, mux: mux}
}

// Handle registers h for pattern on the mux and records the route. A
// pattern without a method (a ServeMux pattern for every method) is
// registered but declares no operation.
func (rs *Routes) Handle(pattern string, h http.Handler) {
	rs.mux.Handle(pattern, h)
	if method, path, ok := PatternOperation(pattern); ok {
		rs.routes = append(rs.routes, route{method, path, h})
	}
}

// HandleFunc registers f as Handle does.
func (rs *Routes) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	rs.Handle(pattern, http.HandlerFunc(f))
}

// Operations returns an operation per route registered with a method, in
// registration order: its operationId and codes as the catalog declares
// them (its common codes when it declares none for the route), plus the
// codes bound to the conditions the route's handlers raise; sorted, without
// duplicates.
func (rs *Routes) Operations() []Operation {
	out := make([]Operation, 0, len(rs.routes))
	for _, r := range rs.routes {
		o, ok := rs.cat.Operation(r.method, r.path)
		if !ok {
			o = Operation{Codes: rs.cat.CommonCodes()}
		}
		o.Method, o.Path = r.method, r.path
		for _, c := range RaisedBy(r.h) {
			if code := rs.cat.ForCondition(c); code != nil {
				o.Codes = append(o.Codes, code.ID)
			}
		}
		slices.Sort(o.Codes)
		o.Codes = slices.Compact(o.Codes)
		out = append(out, o)
	}
	return out
}

// Unrouted returns the operations the catalog declares with a method that
// no route registered through rs serves: a declaration gone stale.
func (rs *Routes) Unrouted() []Operation {
	var out []Operation
	for _, o := range rs.cat.Operations() {
		if o.Method == "" {
			continue
		}
		found := false
		for _, r := range rs.routes {
			if r.method == o.Method && pathShape(r.path) == pathShape(o.Path) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, o)
		}
	}
	return out
}

// PatternOperation turns a ServeMux pattern ("POST /fax/{id}",
// "GET example.com/files/{path...}") into an operation's method and OpenAPI
// path template ("/fax/{id}", "/files/{path}"; {$} is dropped). ok is false
// for a pattern without a method or one that is not valid.
func PatternOperation(pattern string) (method, path string, ok bool) {
	pattern = strings.TrimSpace(pattern)
	i := strings.IndexAny(pattern, " \t")
	if i < 0 {
		return "", "", false
	}
	method, rest := pattern[:i], strings.TrimLeft(pattern[i:], " \t")
	if method == "" || checkMethod(method) != "" {
		return "", "", false
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return "", "", false
	}
	path = strings.ReplaceAll(rest[slash:], "{$}", "")
	path = strings.ReplaceAll(path, "...}", "}")
	if path == "" {
		path = "/"
	}
	if checkPathTemplate(path) != "" {
		return "", "", false
	}
	return method, path, true
}
