package inbox

import (
	"context"
	"fmt"
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

// AuthConfig says how callers authenticate: API keys (Authorization: Bearer
// <key> or X-API-Key: <key>) and, optionally, OIDC access tokens.
type AuthConfig struct {
	// Keys holds the API keys. A principal's Tenant is its tenant, its
	// Subject the user's email (used to accept invitations). Nil: no keys.
	Keys auth.KeyStore
	// Tokens verifies OIDC access tokens (bearer values that look like JWTs),
	// e.g. an oidcauth.Verifier. Its failures (the token_invalid condition:
	// expired, bad signature, missing claim) are the invalid_token code.
	// Nil: API keys only.
	Tokens auth.Authenticator
}

// Config configures the inbox service. Its zero value works: no keys, 3
// inboxes per tenant, 1000 items per tenant per month, 120 requests per
// minute per key, 1 MiB bodies.
type Config struct {
	Auth AuthConfig
	// MaxInboxes is the plan's inbox limit per tenant.
	MaxInboxes int64
	// ItemsPerMonth is the plan's monthly item limit per tenant.
	ItemsPerMonth int64
	// RatePerMinute is the requests per minute each key may send.
	RatePerMinute int64
	// MaxBody is the largest request body in bytes.
	MaxBody int64
	// Logger receives the one record per error response (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock of rate limits and monthly quotas (default time.Now).
	Now func() time.Time
	// Scan checks an item before it is stored (default: accept). An error
	// from it is the internal condition; its text stays in the log.
	Scan func(ctx context.Context, it *Item) error
}

// Permission scopes.
const (
	ScopeInvite = "members:invite"
)

// Server is the inbox API, behind apierr's middleware with the inbox
// catalog.
type Server struct {
	ops                 []apierr.Operation // the API's operations, as its routes declare them
	cfg                 Config
	handler             http.Handler
	inboxQuota, itemsMo *ratelimit.Quota

	mu          sync.Mutex
	tenants     map[string]*tenant // by ID
	slugs       map[string]string  // slug → tenant ID
	inboxes     map[string]*Inbox
	items       map[string]*Item
	jobs        map[string]*Job
	deliveries  map[string]*Delivery
	invitations map[string]*invitation // by token
	seq         uint64
}

type tenant struct {
	ID, Slug, Name string
	Active         bool
}

// Inbox receives items.
type Inbox struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	AllowedSenders []string `json:"allowed_senders,omitempty"`
	tenant         string
}

// Item is one message posted to an inbox.
type Item struct {
	ID      string `json:"id"`
	InboxID string `json:"inbox_id"`
	Sender  string `json:"sender"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	JobID   string `json:"job_id"`
	tenant  string
}

// Job processes an item.
type Job struct {
	ID     string `json:"id"`
	ItemID string `json:"item_id"`
	Status string `json:"status"` // queued, running, succeeded, failed, cancelled
	tenant string
}

// Delivery is the outcome of a finished job.
type Delivery struct {
	ID     string `json:"id"`
	JobID  string `json:"job_id"`
	Status string `json:"status"`
	tenant string
}

type invitation struct {
	Token, Tenant, Email string
}

// NewServer returns the inbox service.
func NewServer(cfg Config) *Server {
	if cfg.Auth.Keys == nil {
		cfg.Auth.Keys = auth.NewMemoryKeyStore()
	}
	if cfg.MaxInboxes <= 0 {
		cfg.MaxInboxes = 3
	}
	if cfg.ItemsPerMonth <= 0 {
		cfg.ItemsPerMonth = 1000
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 120
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Scan == nil {
		cfg.Scan = func(context.Context, *Item) error { return nil }
	}
	s := &Server{cfg: cfg, tenants: map[string]*tenant{}, slugs: map[string]string{},
		inboxes: map[string]*Inbox{}, items: map[string]*Item{}, jobs: map[string]*Job{},
		deliveries: map[string]*Delivery{}, invitations: map[string]*invitation{}}
	s.inboxQuota = ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "max_inboxes", Limit: cfg.MaxInboxes,
		Period: ratelimit.Total, Now: cfg.Now})
	s.itemsMo = ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "items_per_month", Limit: cfg.ItemsPerMonth,
		Period: ratelimit.Monthly, Now: cfg.Now})
	limiter := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerMinute(cfg.RatePerMinute)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: cfg.Now}),
		Key:      ratelimit.FirstOf(ratelimit.ByKeyID, ratelimit.ByTenant),
	})
	authn := auth.New(auth.Config{Keys: cfg.Auth.Keys, Tokens: cfg.Auth.Tokens})
	authed := func(h http.Handler) http.Handler { return authn(s.activeTenant(h)) }
	api := func(f apierr.HandlerFunc, mw ...func(http.Handler) http.Handler) http.Handler {
		var h http.Handler = f
		for i := len(mw) - 1; i >= 0; i-- {
			h = mw[i](h)
		}
		return authed(limiter.Middleware(h))
	}
	mux := http.NewServeMux()
	// The API's routes are recorded: each operation's codes are those
	// errors.yaml declares plus those its middleware raise.
	routes := apierr.NewRoutes(Catalog(), mux)
	routes.Handle("POST /v1/tenants", apierr.HandlerFunc(s.createTenant))
	routes.Handle("POST /v1/inboxes", api(s.createInbox))
	routes.Handle("GET /v1/inboxes/{inbox_id}", api(s.getInbox))
	routes.Handle("POST /v1/inboxes/{inbox_id}/items", api(s.createItem))
	routes.Handle("GET /v1/inboxes/{inbox_id}/items/{item_id}", api(s.getItem))
	routes.Handle("GET /v1/jobs/{job_id}", api(s.getJob))
	routes.Handle("POST /v1/jobs/{job_id}/cancel", api(s.cancelJob))
	routes.Handle("GET /v1/deliveries/{delivery_id}", api(s.getDelivery))
	routes.Handle("POST /v1/invitations", Simple(api(s.invite, auth.RequireScope(ScopeInvite))))
	routes.Handle("POST /v1/invitations/{token}/accept", Simple(api(s.acceptInvitation)))
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

// AddTenant creates an active tenant with id and slug (what signup does).
func (s *Server) AddTenant(id, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tenants[id] = &tenant{ID: id, Slug: slug, Name: slug, Active: true}
	s.slugs[slug] = id
}

// SetTenantActive activates or suspends a tenant; a suspended tenant's
// credentials get tenant_inactive (401).
func (s *Server) SetTenantActive(id string, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tenants[id]; t != nil {
		t.Active = active
	}
}

// FinishJobs runs every queued job to success, recording its delivery (the
// worker's part, synchronous for tests and demos).
func (s *Server) FinishJobs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.Status == "queued" || j.Status == "running" {
			j.Status = "succeeded"
			d := &Delivery{ID: s.uuid(), JobID: j.ID, Status: "delivered", tenant: j.tenant}
			s.deliveries[d.ID] = d
		}
	}
}

// activeTenant refuses callers whose tenant is not active. The page makes
// that a 401, and a 401 must carry a challenge (RFC 9110 §15.5.2), so this
// check adds one; auth.Config.TenantActive, meant for the usual
// 403, would not.
func (s *Server) activeTenant(next http.Handler) http.Handler {
	return apierr.RaisingHandler(next, []apierr.Condition{apierr.CondTenantInactive}, func(w http.ResponseWriter, r *http.Request) {
		p := apierr.PrincipalFrom(r.Context())
		s.mu.Lock()
		t := s.tenants[p.Tenant]
		active := t != nil && t.Active
		s.mu.Unlock()
		if !active {
			apierr.Write(w, r, apierr.Cond(apierr.CondTenantInactive).
				WithHeader("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// uuid returns a new UUID-shaped ID (version 4 layout) from a counter, so
// IDs are unique and tests are repeatable. Callers hold s.mu.
func (s *Server) uuid() string {
	s.seq++
	h := fmt.Sprintf("%032x", s.seq)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}
