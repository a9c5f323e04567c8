package middleware

import (
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/bodyguard"
)

// BodyLimit returns a middleware that caps request bodies at n bytes: a
// declared Content-Length over n is refused at once, and reading past n
// (chunked bodies, lying lengths) fails with *http.MaxBytesError, which Bind
// and apierr.Write render as CondPayloadTooLarge with context limit_bytes.
// A handler that answers the read error with http.Error(w, …, 413) gets the
// same catalog error from the normalizer.
//
// It also gives the body a minimum rate, unless a MinBodyRate outside it
// set one: DefaultMinBodyRate bytes a second after DefaultBodyGrace, else
// the read fails with CondRequestTimeout (408) and the connection closes.
func BodyLimit(n int64) func(http.Handler) http.Handler {
	conds := []apierr.Condition{apierr.CondPayloadTooLarge, apierr.CondRequestTimeout}
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
			// the limit is hit, as net/http does for MaxBytesHandler. The
			// guard stays the outermost reader, so inner layers see it.
			base := baseWriter(w)
			r2.Body = bodyguard.Rewrap(bodyguard.Wrap(w, r.Body, bodyguard.Rate{}), func(b io.ReadCloser) io.ReadCloser {
				return http.MaxBytesReader(base, b, n)
			})
			trackBody(w, r2.Body)
			next.ServeHTTP(w, &r2)
		})
	}
}

// The minimum rate of request bodies BodyLimit (and the idempotency
// middleware) enforce unless MinBodyRate sets another: a client that sends
// a byte every 2 s is cut off after DefaultBodyGrace, one that uploads 10 MB
// at 1 KiB/s is not.
const (
	DefaultMinBodyRate = bodyguard.DefaultMinRate
	DefaultBodyGrace   = bodyguard.DefaultGrace
)

// MinBodyRate returns a middleware that makes request bodies arrive at
// bytesPerSecond on average once grace has passed (zero values: the
// defaults; a negative rate: no minimum, and no inner layer adds one). A
// body that arrives slower, or stops, fails its read with
// CondRequestTimeout (408, context min_rate) which Bind, the idempotency
// middleware and apierr.Write render, and the connection is closed: a
// slow client holds a connection for grace plus what it sends, not for
// ever. The deadline is the connection's read deadline, set with
// http.ResponseController and pushed back as bytes arrive; it replaces the
// server's ReadTimeout while the body is read and is cleared once the body
// ends. Put it outermost (inside Stack) so that a request refused before
// its body is read (a 401) has a deadline for the server's drain of it.
func MinBodyRate(bytesPerSecond int64, grace time.Duration) func(http.Handler) http.Handler {
	rate := bodyguard.Rate{MinRate: bytesPerSecond, Grace: grace}
	conds := []apierr.Condition{apierr.CondRequestTimeout}
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || bodyguard.Guarded(r.Body) {
				next.ServeHTTP(w, r)
				return
			}
			r2 := *r
			r2.Body = bodyguard.Wrap(w, r.Body, rate)
			trackBody(w, r2.Body)
			next.ServeHTTP(w, &r2)
		})
	}
}

// trackBody tells the stack's writer which guarded body the request has,
// so that an error answered before the body ended closes the connection.
func trackBody(w http.ResponseWriter, body io.ReadCloser) {
	g, ok := body.(*bodyguard.Reader)
	if !ok {
		return
	}
	if rw := findWriter(w); rw != nil {
		rw.body = g
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
