package ratelimit

import (
	"net/http"

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
		var buf [4]Status
		res := Result{Statuses: buf[:0]}
		if len(l.cfg.Policies) <= len(buf) {
			res.Statuses = buf[:len(l.cfg.Policies)]
		} else {
			res.Statuses = make([]Status, len(l.cfg.Policies))
		}
		err := l.allow(r.Context(), key, cost, &res)
		l.setHeaders(w.Header(), &res)
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
