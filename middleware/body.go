package middleware

import (
	"mime"
	"net/http"
	"strings"

	"github.com/apierr/apierr"
)

// BodyLimit returns a middleware that caps request bodies at n bytes: a
// declared Content-Length over n is refused at once, and reading past n
// (chunked bodies, lying lengths) fails with *http.MaxBytesError, which Bind
// and apierr.Write render as CondPayloadTooLarge with context limit_bytes.
// A handler that answers the read error with http.Error(w, …, 413) gets the
// same catalog error from the normalizer.
func BodyLimit(n int64) func(http.Handler) http.Handler {
	conds := []apierr.Condition{apierr.CondPayloadTooLarge}
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				w.Header().Set("Connection", "close")
				apierr.Write(w, r, apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", n))
				return
			}
			r2 := *r
			if rw := findWriter(w); rw != nil && (rw.limit == 0 || n < rw.limit) {
				rw.limit = n
			}
			apierr.StateFrom(r.Context()).RecordRoute(&r2)
			// The innermost writer lets the server close the connection once
			// the limit is hit, as net/http does for MaxBytesHandler.
			r2.Body = http.MaxBytesReader(baseWriter(w), r.Body, n)
			next.ServeHTTP(w, &r2)
		})
	}
}

// RequireContentType returns a middleware that refuses a request with a body
// whose media type is none of types (compared without parameters, case
// insensitively; "application/*", "application/*+json" and "*/*" match
// a range) with
// CondUnsupportedMediaType, context "supported". Requests without a body pass.
func RequireContentType(types ...string) func(http.Handler) http.Handler {
	want := make([]string, len(types))
	for i, t := range types {
		want[i] = strings.ToLower(strings.TrimSpace(t))
	}
	conds := []apierr.Condition{apierr.CondUnsupportedMediaType}
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			apierr.StateFrom(r.Context()).RecordRoute(r)
			if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			if !mediaTypeIn(r.Header.Get("Content-Type"), want) {
				apierr.Write(w, r, apierr.Cond(apierr.CondUnsupportedMediaType).With("supported", types))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func mediaTypeIn(ct string, want []string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	for _, w := range want {
		switch {
		case w == mt, w == "*/*":
			return true
		case strings.HasSuffix(w, "/*") && strings.HasPrefix(mt, w[:len(w)-1]):
			return true
		}
		if typ, suffix, ok := strings.Cut(w, "/*+"); ok && strings.HasPrefix(mt, typ+"/") && strings.HasSuffix(mt, "+"+suffix) {
			return true // application/*+json matches application/vnd.api+json
		}
	}
	return false
}
