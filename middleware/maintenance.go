package middleware

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// DefaultMaintenanceRetryAfter is the Retry-After of Maintenance when Enable
// is given no duration.
const DefaultMaintenanceRetryAfter = 60 * time.Second

// Maintenance switches an API into maintenance at run time: while enabled,
// every request (but those Exempt lets through) gets CondUnavailable (503)
// with Retry-After. Its zero value is disabled and ready to use; Enable and
// Disable are safe to call while serving.
//
//	var maint middleware.Maintenance
//	handler := middleware.Stack(cat)(maint.Handler(mux))
//	maint.Enable(5 * time.Minute) // from an admin endpoint or a signal
type Maintenance struct {
	// Exempt, when set, lets matching requests through during maintenance
	// (health checks, the status page). Set it before serving.
	Exempt func(r *http.Request) bool

	on         atomic.Bool
	retryAfter atomic.Int64
}

// Enable starts maintenance; clients are told to retry after retryAfter
// (DefaultMaintenanceRetryAfter when ≤ 0).
func (m *Maintenance) Enable(retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = DefaultMaintenanceRetryAfter
	}
	m.retryAfter.Store(int64(retryAfter))
	m.on.Store(true)
}

// Disable ends maintenance.
func (m *Maintenance) Disable() { m.on.Store(false) }

// Enabled reports whether maintenance is on.
func (m *Maintenance) Enabled() bool { return m.on.Load() }

// Handler is the middleware: use m.Handler where a
// func(http.Handler) http.Handler is expected.
func (m *Maintenance) Handler(next http.Handler) http.Handler {
	return apierr.RaisingHandler(next, []apierr.Condition{apierr.CondUnavailable}, func(w http.ResponseWriter, r *http.Request) {
		apierr.StateFrom(r.Context()).RecordRoute(r)
		if m.on.Load() && (m.Exempt == nil || !m.Exempt(r)) {
			apierr.Write(w, r, apierr.Cond(apierr.CondUnavailable).
				WithRetryAfter(time.Duration(m.retryAfter.Load())).With("reason", "maintenance"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
