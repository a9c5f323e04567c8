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
//
// With a Memory store, a built-in KeyFunc (or one returning a string it
// already holds) and at most four policies, an admitted request allocates
// nothing here when its RateLimit value was formatted recently (see
// rlFieldCache).
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return apierr.RaisingHandler(next, l.failure.raises(apierr.CondRateLimited), func(w http.ResponseWriter, r *http.Request) {
		// The key is built after the Prefix in a buffer on the stack: the
		// Memory store hashes it where it lies; any other store gets it as
		// a string.
		var kb [rlKeyBuf]byte
		key, ok := l.keyKind.appendKey(append(kb[:0], l.prefix...), l.cfg.Key, l.cfg.ClientIP, r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		var cost int64 = 1
		if l.cfg.Cost != nil {
			cost = l.cfg.Cost(r)
		}
		if cost <= 0 {
			cost = 1
		}
		var err error
		if n := len(l.cfg.Policies); l.mem != nil && n <= rlStackStatuses {
			var buf [rlStackStatuses]Status
			res := Result{Statuses: buf[:n]}
			res.Allowed = l.mem.allowBytes(key, cost, l.cfg.Policies, &l.memPlan, res.Statuses)
			err = l.refusal(&res)
			l.setHeaders(w.Header(), &res)
		} else {
			err = l.allowPooled(r, string(key), cost, w.Header())
		}
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

const (
	rlKeyBuf        = 128 // key bytes built on the stack; longer keys grow on the heap
	rlStackStatuses = 4
)

// allowPooled checks key against a store behind the interface, whose Status
// buffer would escape anyway: it comes from a pool.
func (l *Limiter) allowPooled(r *http.Request, key string, cost int64, h http.Header) error {
	var res Result
	var buf *[rlStackStatuses]Status
	if len(l.cfg.Policies) <= len(buf) {
		buf = rlStatusPool.Get().(*[rlStackStatuses]Status)
		res.Statuses = buf[:len(l.cfg.Policies)]
	} else {
		res.Statuses = make([]Status, len(l.cfg.Policies))
	}
	err := l.allowPrefixed(r.Context(), key, cost, &res)
	l.setHeaders(h, &res)
	if buf != nil {
		*buf = [rlStackStatuses]Status{}
		rlStatusPool.Put(buf)
	}
	return err
}

// rlStatusPool recycles the Status buffers of checks against a Store
// interface.
var rlStatusPool = sync.Pool{New: func() any { return new([rlStackStatuses]Status) }}
