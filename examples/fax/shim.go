package fax

// Temporary shims, to be replaced one by one by the real packages as they
// land (ratelimit). Each is the thinnest
// thing that keeps the demo's contract; none is meant to outlive its package.

import (
	"net/http"
	"sync"

	"github.com/apierr/apierr"
	"golang.org/x/time/rate"
)

// rateLimit allows RatePerSecond requests a second per key, Burst at once.
func (s *Server) rateLimit() func(http.Handler) http.Handler {
	if s.cfg.RatePerSecond < 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	var mu sync.Mutex
	limiters := map[string]*rate.Limiter{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := ""
			if p := apierr.PrincipalFrom(r.Context()); p != nil {
				key = p.Tenant + "/" + p.KeyID
			}
			mu.Lock()
			l := limiters[key]
			if l == nil {
				l = rate.NewLimiter(rate.Limit(s.cfg.RatePerSecond), s.cfg.Burst)
				limiters[key] = l
			}
			now := s.cfg.Now()
			res := l.ReserveN(now, 1)
			delay := res.DelayFrom(now)
			if delay > 0 {
				res.CancelAt(now)
			}
			mu.Unlock()
			if delay > 0 {
				e := apierr.Cond(apierr.CondRateLimited).WithRetryAfter(delay)
				apierr.Write(w, r, e.With("retry_after", e.RetryAfterSeconds()))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
