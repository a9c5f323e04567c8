package calls

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// Config configures the calls service. The zero value serves with no tokens,
// a limit of 1000 requests per minute per token and a 1 MiB body limit.
type Config struct {
	// Tokens holds the API tokens; a token needs the scope "calls:write" to
	// start calls. Nil means an empty store.
	Tokens auth.KeyStore
	// RatePerMinute is the requests per minute each token may send
	// (default 1000, as the page's example says).
	RatePerMinute int64
	// Now is the rate limiter's clock (default time.Now).
	Now func() time.Time
	// MaxBody is the largest request body in bytes (default 1 MiB).
	MaxBody int64
	// Logger receives the one record per error response (default slog.Default()).
	Logger *slog.Logger
	// Dial places a call with the carrier (default: accept every call). An
	// error from it is the internal condition; its text stays in the log.
	Dial func(ctx context.Context, c *Call) error
}

// Call is one outbound call.
type Call struct {
	ID      string    `json:"id"`
	AgentID string    `json:"agentId"`
	Number  string    `json:"number"`
	Status  string    `json:"status"`
	Created time.Time `json:"createdAt"`

	tenant string
}

// Server is the calls API: POST /api/v1/call, GET /api/v1/calls and
// GET /api/v1/calls/{id}, behind apierr's middleware with the calls catalog.
type Server struct {
	cfg         Config
	handler     http.Handler
	ops         []apierr.Operation
	limiter     *ratelimit.Limiter
	maintenance middleware.Maintenance

	mu    sync.Mutex
	calls map[string]*Call
	order []string
	seq   atomic.Uint64
}

// ScopeWrite is the scope a token needs to start calls.
const ScopeWrite = "calls:write"

// NewServer returns the calls service.
func NewServer(cfg Config) *Server {
	if cfg.Tokens == nil {
		cfg.Tokens = auth.NewMemoryKeyStore()
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 1000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Dial == nil {
		cfg.Dial = func(context.Context, *Call) error { return nil }
	}
	s := &Server{cfg: cfg, calls: map[string]*Call{}}
	s.limiter = ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerMinute(cfg.RatePerMinute)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: cfg.Now}),
		Key:      ratelimit.ByKeyID,
	})

	authn := auth.New(auth.Config{Keys: cfg.Tokens})
	api := func(h http.Handler, scopes ...string) http.Handler {
		if len(scopes) > 0 {
			h = auth.RequireScope(scopes...)(h)
		}
		return authn(s.rateLimit(h))
	}
	mux := http.NewServeMux()
	// The API's routes are recorded: each operation's codes are those
	// errors.yaml declares plus those its middleware raise.
	routes := apierr.NewRoutes(Catalog(), mux)
	routes.Handle("POST /api/v1/call", api(apierr.HandlerFunc(s.startCall), ScopeWrite))
	routes.Handle("GET /api/v1/calls", api(apierr.HandlerFunc(s.listCalls)))
	routes.Handle("GET /api/v1/calls/{id}", api(apierr.HandlerFunc(s.getCall)))
	s.ops = routes.Operations()
	// The error reference, so every docs URL the catalog hands out resolves.
	docs := docgen.Handler(Catalog(), docgen.WithOperations(s.ops))
	mux.Handle("GET /docs/errors/", docs)
	mux.Handle("GET /llms.txt", docs)
	s.handler = middleware.Stack(Catalog(), middleware.WithLogger(cfg.Logger))(s.maintenance.Handler(middleware.BodyLimit(cfg.MaxBody)(middleware.RequireContentType("application/json")(mux))))
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// SetMaintenance turns maintenance mode on or off: while on, every request
// gets SERVICE_UNAVAILABLE, with Retry-After (the middleware's default).
func (s *Server) SetMaintenance(on bool) {
	if on {
		s.maintenance.Enable(0)
	} else {
		s.maintenance.Disable()
	}
}

// Operations returns the API's operations as its routes declare them
// (apierr.Routes).
func (s *Server) Operations() []apierr.Operation { return append([]apierr.Operation(nil), s.ops...) }

// rateLimit is ratelimit's limiter with the page's wording: the detail names
// the limit ("… of 1000 requests per minute") and the body's retryAfter
// repeats Retry-After.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	policy := ratelimit.Policy{}
	if ps := s.limiter.Policies(); len(ps) > 0 {
		policy = ps[0]
	}
	detail := fmt.Sprintf("You have exceeded the rate limit of %d requests per minute", s.cfg.RatePerMinute)
	policyField := string(ratelimit.AppendPolicyField(nil, []ratelimit.Policy{policy}))
	// A Raiser (apierr.Routes sees the rate limit), at no cost per request.
	return apierr.RaisingHandler(next, []apierr.Condition{apierr.CondRateLimited}, func(w http.ResponseWriter, r *http.Request) {
		key := ratelimit.ByKeyID(r)
		res, err := s.limiter.Allow(r.Context(), key, 1)
		if len(res.Statuses) > 0 {
			w.Header().Set(ratelimit.HeaderPolicy, policyField)
			w.Header().Set(ratelimit.HeaderRateLimit, string(ratelimit.AppendRateLimitField(nil, res.Statuses)))
		}
		if err != nil {
			if e, ok := err.(*apierr.Error); ok && e.Condition == apierr.CondRateLimited {
				e.WithDetail(detail)
			}
			apierr.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) newID() string {
	n := s.seq.Add(1)
	// A UUID-shaped id (version 4 layout) from a counter: stable in tests.
	h := fmt.Sprintf("%032x", n)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}
