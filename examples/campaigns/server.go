package campaigns

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// Config configures the campaigns service. Its zero value works: no keys,
// 100 credits per workspace per month, 2 concurrent batch jobs per
// workspace (Retry-After 5s when all are busy), jobs run on their own
// goroutine, 1 MiB bodies.
type Config struct {
	// Keys holds the API keys (Authorization: Bearer <key> or X-API-Key);
	// a principal's Tenant is its workspace. Nil means an empty store.
	Keys auth.KeyStore
	// Credits is each workspace's monthly allowance; a generated email costs one.
	Credits int64
	// ConcurrentJobs is how many batch jobs a workspace may run at once.
	ConcurrentJobs int64
	// JobRetryAfter is the Retry-After sent with WORKSPACE_LIMIT: when a
	// client should look again for a free slot (default 5s).
	JobRetryAfter time.Duration
	// MaxBody is the largest request body in bytes.
	MaxBody int64
	// Logger receives the one record per error response (default slog.Default()).
	Logger *slog.Logger
	// Now is the credit period's clock (default time.Now).
	Now func() time.Time
	// Generate writes the email for one lead (default: a template). An error
	// from it is the internal condition.
	Generate func(ctx context.Context, campaign string, lead Lead) (string, error)
	// Async runs a batch job (default: on a new goroutine). Tests pass one
	// that holds jobs until they choose to run them.
	Async func(job func())
}

// Lead is one prospect.
type Lead struct {
	Email   string `json:"email" validate:"required,email"`
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
}

// Server is the campaigns API: single and batch email generation and the
// lists batch jobs produce, behind apierr's middleware with the campaigns
// catalog.
type Server struct {
	cfg     Config
	handler http.Handler
	ops     []apierr.Operation
	credits *ratelimit.Quota
	jobs    *ratelimit.ConcurrencyLimiter

	mu        sync.Mutex
	campaigns map[string]*campaign
	lists     map[string]*list
	seq       int
}

type campaign struct {
	ID, Name, Workspace string
}

type list struct {
	ID, Campaign, Workspace string
	Status                  string // processing, completed
	Emails                  []Email
}

// Email is one generated email.
type Email struct {
	Lead  Lead   `json:"lead"`
	Email string `json:"email"`
}

// NewServer returns the campaigns service.
func NewServer(cfg Config) *Server {
	if cfg.Keys == nil {
		cfg.Keys = auth.NewMemoryKeyStore()
	}
	if cfg.Credits <= 0 {
		cfg.Credits = 100
	}
	if cfg.ConcurrentJobs <= 0 {
		cfg.ConcurrentJobs = 2
	}
	if cfg.JobRetryAfter <= 0 {
		cfg.JobRetryAfter = 5 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Generate == nil {
		cfg.Generate = template
	}
	if cfg.Async == nil {
		cfg.Async = func(job func()) { go job() }
	}
	s := &Server{cfg: cfg, campaigns: map[string]*campaign{}, lists: map[string]*list{}}
	s.credits = ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "credits", Limit: cfg.Credits,
		Period: ratelimit.Monthly, Now: cfg.Now, Key: ratelimit.ByTenant})
	s.jobs = ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{Limit: cfg.ConcurrentJobs,
		Key: ratelimit.ByTenant, RetryAfter: cfg.JobRetryAfter})

	auth := auth.New(auth.Config{Keys: cfg.Keys})
	h := func(f apierr.HandlerFunc) http.Handler { return auth(f) }
	mux := http.NewServeMux()
	// The API's routes are recorded: each operation's codes are those
	// errors.yaml declares plus those its middleware raise.
	routes := apierr.NewRoutes(Catalog(), mux)
	routes.Handle("POST /api/v1/campaigns/{id}/generate", h(s.generate))
	routes.Handle("POST /api/v1/campaigns/{id}/generate-batch", h(s.generateBatch))
	routes.Handle("GET /api/v1/lists/{id}", h(s.getList))
	routes.Handle("GET /api/v1/lists/{id}/export", h(s.exportList))
	s.ops = routes.Operations()
	// The error reference, so every docs URL the catalog hands out resolves.
	docs := docgen.Handler(Catalog(), docgen.WithOperations(s.ops))
	mux.Handle("GET /docs/errors/", docs)
	mux.Handle("GET /llms.txt", docs)
	s.handler = middleware.Stack(Catalog(), middleware.WithLogger(cfg.Logger))(middleware.BodyLimit(cfg.MaxBody)(middleware.RequireContentType("application/json")(mux)))
	return s
}

// Operations returns the API's operations as its routes declare them
// (apierr.Routes).
func (s *Server) Operations() []apierr.Operation { return append([]apierr.Operation(nil), s.ops...) }

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// AddCampaign creates a campaign in a workspace.
func (s *Server) AddCampaign(workspace, id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.campaigns[id] = &campaign{ID: id, Name: name, Workspace: workspace}
}

func template(_ context.Context, campaign string, l Lead) (string, error) {
	name := l.Name
	if name == "" {
		name = "there"
	}
	return "Hi " + name + ", a short note about " + campaign + ".", nil
}
