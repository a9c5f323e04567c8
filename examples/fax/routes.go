package fax

import (
	"context"
	"net/http"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// routes wires the API: outermost middleware.Stack (request ID and
// per-request state, logger, recover, normalize: ServeMux's own 404 and 405
// become catalog errors), a minimum rate for request bodies, then per route authentication, rate limiting and,
// on the POST routes that create faxes, idempotency keys. The docs are
// public.
func (s *Server) routes() http.Handler {
	h := func(f func(http.ResponseWriter, *http.Request) error) http.Handler { return apierr.HandlerFunc(f) }
	auth := auth.New(auth.Config{
		Keys:     s.keys,
		Prefixes: map[string]string{KeyPrefix(Sandbox): string(Sandbox), KeyPrefix(Live): string(Live)},
		TenantActive: func(_ context.Context, p *apierr.Principal) (bool, error) {
			_, active := s.store.active(p.Tenant)
			return active, nil
		},
		Realm: "fax",
		// Seed 000: a request without an Authorization header gets
		// api_key_missing; a key sent in X-API-Key is told where it belongs.
		Header:        "-",
		Throttle:      s.authThrottle(),
		FailurePolicy: apierr.FailurePolicy{Logger: s.cfg.Logger, Now: s.cfg.Now},
	})
	idemCfg := idempotency.Config{
		Store:         s.cfg.IdempotencyStore,
		MaxBodyBytes:  s.maxJSONBody(),
		TooLarge:      s.bodyTooLarge,
		FailurePolicy: apierr.FailurePolicy{Logger: s.cfg.Logger, Now: s.cfg.Now},
	}
	if o := s.cfg.Observer; o != nil {
		idemCfg.OnError = o.IdempotencyStoreError
	}
	idem := idempotency.New(idemCfg)
	if o := s.cfg.Observer; o != nil {
		idem = o.ObserveIdempotency(idemCfg.Header, idem)
	}
	limit := s.rateLimit()
	secured := func(next http.Handler) http.Handler { return auth(limit(next)) }

	mux := http.NewServeMux()
	// The API's routes are recorded (apierr.Routes): each operation's codes
	// are those errors.yaml declares for it plus those its middleware
	// raise, which GET /openapi.json lists per operation.
	api := apierr.NewRoutes(s.cat, mux)
	api.Handle("POST /fax", secured(s.submissionLimit()(idem(h(s.createFax)))))
	api.Handle("GET /fax/{id}", secured(h(s.getFax)))
	api.Handle("DELETE /fax/{id}", secured(h(s.deleteFax)))
	api.Handle("POST /fax/{id}/resend", secured(idem(h(s.resendFax))))
	api.Handle("GET /fax/{id}/image", secured(h(s.faxImage)))
	api.Handle("GET /account/balance", secured(h(s.accountBalance)))
	s.ops = api.Operations()
	docs := docgen.Handler(s.cat, docgen.WithOperations(s.ops)) // per endpoint, the middleware's codes too
	mux.Handle("GET "+s.docsPath(), docs)
	mux.Handle("GET "+strings.TrimSuffix(s.docsPath(), "/"), docs)
	mux.Handle("GET /llms.txt", docs)
	mux.HandleFunc("GET /openapi.json", s.serveOpenAPI)
	var opts []middleware.Option
	if s.cfg.Logger != nil {
		opts = append(opts, middleware.WithLogger(s.cfg.Logger))
	}
	// The clock of latencies and of the log's sampling windows.
	opts = append(opts, middleware.WithClock(s.cfg.Now))
	if s.cfg.LogLevel != nil {
		opts = append(opts, middleware.WithLevels(s.cfg.LogLevel))
	}
	opts = append(opts, s.cfg.StackOptions...)
	// Every body, read or not, gets a minimum rate: a request refused
	// before its body is read (a wrong key) has a deadline for the
	// server's drain of it too.
	var routes http.Handler = middleware.MinBodyRate(s.cfg.MinBodyRate, s.cfg.BodyGrace)(mux)
	if s.cfg.Observer != nil {
		routes = s.cfg.Observer.Middleware(routes)
	}
	return middleware.Stack(s.cat, opts...)(routes)
}

// rateLimit limits each API key to RatePerSecond requests a second, Burst at
// once: 429 rate_limit_exceeded with Retry-After beyond, RateLimit and
// RateLimit-Policy headers on every response. If the store fails (Redis
// down or stalled), each process limits on its own (FailLocal): every key
// stays limited, to at most processes × the limit, instead of unlimited.
func (s *Server) rateLimit() func(http.Handler) http.Handler {
	if s.cfg.RatePerSecond < 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	store := s.cfg.RateLimitStore
	if store == nil {
		store = ratelimit.NewMemory(ratelimit.MemoryConfig{Now: s.limitClock})
	}
	cfg := ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerSecond(s.cfg.RatePerSecond).WithBurst(s.cfg.Burst)},
		Store:    store,
		Key:      ratelimit.ByKeyID,
		Prefix:   "fax:rl:",
		// Redis down or stalled: each process limits on its own.
		FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal, Logger: s.cfg.Logger, Now: s.cfg.Now},
	}
	if o := s.cfg.Observer; o != nil {
		cfg.OnError = o.RateLimitStoreError
		return o.ObserveLimit("rate", ratelimit.New(cfg).Middleware)
	}
	return ratelimit.New(cfg).Middleware
}

// authThrottle counts failed authentications per client address (behind
// TrustedProxies, the address their X-Forwarded-For names): AuthFailures a
// minute, then 429 with Retry-After for every request with a key from that
// address until the minute refills. Like the rate limiter it falls back to
// counting in this process while its store fails.
func (s *Server) authThrottle() *ratelimit.Limiter {
	if s.cfg.AuthFailures < 0 {
		return nil
	}
	store := s.cfg.RateLimitStore
	if store == nil {
		store = ratelimit.NewMemory(ratelimit.MemoryConfig{Now: s.limitClock})
	}
	cfg := ratelimit.Config{
		Policies:      []ratelimit.Policy{ratelimit.PerMinute(s.cfg.AuthFailures).Named("auth_failures")},
		Store:         store,
		ClientIP:      &ratelimit.ClientIP{Trusted: s.cfg.TrustedProxies},
		Prefix:        "fax:authfail:",
		FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal, Logger: s.cfg.Logger, Now: s.cfg.Now},
	}
	if o := s.cfg.Observer; o != nil {
		cfg.OnError = o.RateLimitStoreError
	}
	return ratelimit.New(cfg)
}

// submissionLimit lets each API key have MaxSubmissions POST /fax in flight
// in this process: 429 with Retry-After beyond, answered before the body is
// read. The limit is per process on purpose, even with --redis: what it
// protects is this process's memory.
func (s *Server) submissionLimit() func(http.Handler) http.Handler {
	if s.cfg.MaxSubmissions < 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{
		Limit:         s.cfg.MaxSubmissions,
		Key:           ratelimit.ByKeyID,
		Prefix:        "fax:submit:",
		FailurePolicy: apierr.FailurePolicy{Logger: s.cfg.Logger, Now: s.cfg.Now},
	}).Middleware
}
