package apierr

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Write renders err as a catalog error on w: the catalog of the request (set
// by apierr's middleware, else the default catalog), the format the client's
// Accept header picks, the status, Content-Type, Retry-After and request-ID
// headers, and no body for HEAD. A non-apierr error renders as the internal
// condition with the catalog's generic message; its text goes only to the log.
func Write(w http.ResponseWriter, r *http.Request, err error) {
	CatalogFrom(r.Context()).Write(w, r, err)
}

// HandlerFunc is a handler that may return an error; a non-nil error is
// rendered by Write. It lets handlers end with `return apierr.New("not_found")`.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and writes its error, if any.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		Write(w, r, err)
	}
}

var (
	bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
	errPool = sync.Pool{New: func() any { return new(Error) }}

	nosniff = []string{"nosniff"}
	noStore = []string{"no-store"}
)

// contentTypes holds one shared header value per media type, so setting
// Content-Type does not allocate.
var contentTypes sync.Map // string → []string

func contentTypeValue(ct string) []string {
	if v, ok := contentTypes.Load(ct); ok {
		return v.([]string)
	}
	v, _ := contentTypes.LoadOrStore(ct, []string{ct})
	return v.([]string)
}

// Write renders err with this catalog. See the package-level Write.
func (c *Catalog) Write(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	src := From(err)
	st := StateFrom(r.Context())
	var res *Error
	if st != nil && !st.rendered {
		if st.err == nil {
			st.err = new(Error)
		}
		res = st.err
	} else {
		// No state, or an error was already rendered for this request: the
		// first one is what the client got, so the State keeps describing it.
		res = errPool.Get().(*Error)
		defer func() { *res = Error{}; errPool.Put(res) }()
	}
	// The request's language (ForAcceptLanguage): c itself unless the
	// catalog has translations.
	lc := c
	if len(c.views) > 1 {
		lc = c.ForAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	lc.Resolve(res, src)
	if res.RequestID == "" && st != nil {
		res.RequestID = st.requestID
	}
	if res.TraceID == "" {
		res.TraceID = st.TraceID()
	}
	if res.Instance == "" && r.URL != nil {
		res.Instance = r.URL.Path
	}
	if st != nil {
		st.rendered = true
	}
	if res.Status >= 500 && (st == nil || !st.observed) {
		logError(r, res)
	}

	fi := c.negotiateIndex(r.Header.Get("Accept"))
	f := c.formats[fi]
	h := w.Header()
	for k, v := range res.Header {
		h[k] = v
	}
	if fi < len(c.contentTypes) {
		h["Content-Type"] = c.contentTypes[fi]
	} else {
		h["Content-Type"] = contentTypeValue(f.ContentType())
	}
	if len(c.formats) > 1 {
		varyAccept(h) // the body depends on Accept: caches must key on it
	}
	if len(lc.root().langs) > 1 {
		// The body depends on Accept-Language too, whichever language
		// this one was answered in.
		h["Content-Language"] = lc.langHeader
		varyLanguage(h)
	}
	h["X-Content-Type-Options"] = nosniff
	h["Cache-Control"] = noStore
	delete(h, "Content-Length")
	if res.RequestID != "" && len(h[c.requestIDKey]) == 0 {
		h[c.requestIDKey] = []string{res.RequestID}
	}
	if s := res.RetryAfterSeconds(); s > 0 {
		h["Retry-After"] = retryAfterValue(s)
	}
	w.WriteHeader(res.Status)
	if r.Method == http.MethodHead {
		return
	}
	bp := bufPool.Get().(*[]byte)
	body := f.AppendBody((*bp)[:0], res)
	_, _ = w.Write(body)
	if cap(body) <= 64<<10 {
		*bp = body[:0]
		bufPool.Put(bp)
	}
}

// retryAfterValues holds one shared Retry-After header value for each of the
// first minutes' seconds, so a 429 or 503 sets it without allocating.
var retryAfterValues = sync.OnceValue(func() [][]string {
	v := make([][]string, 301)
	for i := range v {
		v[i] = []string{strconv.Itoa(i)}
	}
	return v
})

func retryAfterValue(s int64) []string {
	if s < 301 {
		return retryAfterValues()[s]
	}
	return []string{strconv.FormatInt(s, 10)}
}

var varyAcceptValue = []string{"Accept"}

// varyAccept adds Accept to h's Vary, once, keeping what is there.
func varyAccept(h http.Header) {
	v := h["Vary"]
	if len(v) == 0 {
		h["Vary"] = varyAcceptValue
		return
	}
	for _, line := range v {
		for _, name := range strings.Split(line, ",") {
			if n := strings.TrimSpace(name); n == "*" || strings.EqualFold(n, "Accept") {
				return
			}
		}
	}
	h["Vary"] = append(v[:len(v):len(v)], "Accept")
}

// Render returns the body of e in format f after resolving it with the
// catalog: what Write would send, without the headers.
func (c *Catalog) Render(f Format, e *Error) []byte {
	var res Error
	c.Resolve(&res, e)
	return f.AppendBody(nil, &res)
}

func logError(r *http.Request, e *Error) {
	attrs := []slog.Attr{
		slog.String("request_id", e.RequestID),
		slog.String("code", e.Code),
		slog.Int("status", e.Status),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
	}
	if e.cause != nil {
		attrs = append(attrs, slog.String("cause", e.cause.Error()))
	}
	slog.Default().LogAttrs(r.Context(), slog.LevelError, "apierr: error response", attrs...)
}
