package ratelimit

import (
	"net/http"
	"sync"

	"github.com/apierr/apierr"
)

// Middleware limits each request under its key. An admitted request gets the
// RateLimit-Policy and RateLimit fields and goes on; a refused one gets the
// same fields and the rate-limited condition (429, Retry-After and context
// retry_after in whole seconds rounded up) rendered with apierr.Write. A store
// failure follows the FailurePolicy.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := l.cfg.Key(r)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		var cost int64 = 1
		if l.cfg.Cost != nil {
			cost = l.cfg.Cost(r)
		}
		var res Result
		var buf *[4]Status
		if len(l.cfg.Policies) <= len(buf) {
			buf = rlStatusPool.Get().(*[4]Status)
			res.Statuses = buf[:len(l.cfg.Policies)]
		} else {
			res.Statuses = make([]Status, len(l.cfg.Policies))
		}
		err := l.allow(r.Context(), key, cost, &res)
		l.setHeaders(w.Header(), &res)
		if buf != nil {
			*buf = [4]Status{}
			rlStatusPool.Put(buf)
		}
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rlStatusPool recycles the Status buffers of checks: the store is an
// interface, so a buffer on the stack would escape anyway.
var rlStatusPool = sync.Pool{New: func() any { return new([4]Status) }}
