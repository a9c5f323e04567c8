package mail

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

// Config configures the mail service. Its zero value works: domains
// mail.test and inbox.test, 5 mailboxes per client address, 1 custom domain
// and 2 webhooks per account, 60 requests per minute per client, tokens
// valid for an hour, messages kept for a day, 1 MiB bodies.
type Config struct {
	// Domains are the domains mailboxes may be created under.
	Domains []string
	// MaxAccounts is how many mailboxes one client address may create.
	MaxAccounts int64
	// MaxDomains and MaxWebhooks are the per-account limits of the pro plan.
	MaxDomains, MaxWebhooks int64
	// RatePerMinute is the requests per minute one client may send.
	RatePerMinute int64
	// TokenTTL is how long a token from POST /api/token is valid.
	TokenTTL time.Duration
	// Retention is how long a message is kept before it expires (410).
	Retention time.Duration
	// VerifyWindow is how long a new custom domain may take to verify.
	VerifyWindow time.Duration
	// MaxBody is the largest request body in bytes.
	MaxBody int64
	// Logger receives the one record per error response (default slog.Default()).
	Logger *slog.Logger
	// Now is the service's clock (default time.Now).
	Now func() time.Time
	// Attachments reads an attachment's content (default: the bytes given
	// to Deliver). An error from it is the internal condition.
	Attachments func(ctx context.Context, messageID string, index int) ([]byte, error)
}

// Server is the mail API: accounts, tokens, messages and their attachments,
// and the pro plan's domains and webhooks, behind apierr's middleware with
// the mail catalog.
type Server struct {
	ops     []apierr.Operation // the API's operations, as its routes declare them
	cfg     Config
	handler http.Handler
	tokens  *tokens

	accountQuota, domainQuota, webhookQuota *ratelimit.Quota

	mu       sync.Mutex
	accounts map[string]*account // by address
	byID     map[string]*account
	messages map[string]*Message
	domains  map[string]*domain
	webhooks map[string][]string // account ID → URLs
	seq      int
}

type account struct {
	ID, Address string
	password    [32]byte
}

type domain struct {
	Name, Owner string
	Created     time.Time
	Verified    bool
}

// Message is a received message.
type Message struct {
	ID          string       `json:"id"`
	From        string       `json:"from"`
	Subject     string       `json:"subject"`
	Body        string       `json:"body"`
	Received    time.Time    `json:"receivedAt"`
	Attachments []Attachment `json:"attachments"`

	to string
}

// Attachment is one file of a message.
type Attachment struct {
	Name string `json:"name"`
	Size int    `json:"size"`

	data []byte
}

// File is an attachment given to Deliver.
type File struct {
	Name string
	Data []byte
}

// NewServer returns the mail service.
func NewServer(cfg Config) *Server {
	if len(cfg.Domains) == 0 {
		cfg.Domains = []string{"mail.test", "inbox.test"}
	}
	if cfg.MaxAccounts <= 0 {
		cfg.MaxAccounts = 5
	}
	if cfg.MaxDomains <= 0 {
		cfg.MaxDomains = 1
	}
	if cfg.MaxWebhooks <= 0 {
		cfg.MaxWebhooks = 2
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 60
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 24 * time.Hour
	}
	if cfg.VerifyWindow <= 0 {
		cfg.VerifyWindow = 72 * time.Hour
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg,
		tokens:   &tokens{now: cfg.Now, ttl: cfg.TokenTTL, m: map[[32]byte]tokenEntry{}},
		accounts: map[string]*account{}, byID: map[string]*account{},
		messages: map[string]*Message{}, domains: map[string]*domain{}, webhooks: map[string][]string{},
	}
	if s.cfg.Attachments == nil {
		s.cfg.Attachments = s.attachmentData
	}
	quota := func(name string, limit int64) *ratelimit.Quota {
		return ratelimit.NewQuota(ratelimit.QuotaConfig{Name: name, Limit: limit, Period: ratelimit.Total, Now: cfg.Now})
	}
	s.accountQuota = quota("accounts", cfg.MaxAccounts)
	s.domainQuota = quota("domains", cfg.MaxDomains)
	s.webhookQuota = quota("webhooks", cfg.MaxWebhooks)

	limiter := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerMinute(cfg.RatePerMinute)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: cfg.Now}),
		Key:      ratelimit.ByIP,
	})
	auth := auth.New(auth.Config{Keys: s.tokens})
	h := func(f apierr.HandlerFunc) http.Handler { return f }
	authed := func(f apierr.HandlerFunc) http.Handler { return auth(f) }

	mux := http.NewServeMux()
	// The API's routes are recorded: each operation's codes are those
	// errors.yaml declares plus those its middleware raise.
	routes := apierr.NewRoutes(Catalog(), mux)
	routes.Handle("POST /api/accounts", h(s.createAccount))
	routes.Handle("POST /api/token", h(s.createToken))
	routes.Handle("GET /api/messages", authed(s.listMessages))
	routes.Handle("GET /api/messages/{id}", authed(s.getMessage))
	routes.Handle("GET /api/messages/{id}/attachments/{index}", authed(s.getAttachment))
	routes.Handle("POST /api/domains", authed(s.addDomain))
	routes.Handle("POST /api/domains/{domain}/verify", authed(s.verifyDomain))
	routes.Handle("POST /api/webhooks", authed(s.addWebhook))
	s.ops = routes.Operations()
	// The error reference, so every docs URL the catalog hands out resolves.
	docs := docgen.Handler(Catalog(), docgen.WithOperations(s.ops))
	mux.Handle("GET /docs/errors/", docs)
	mux.Handle("GET /llms.txt", docs)
	s.handler = middleware.Stack(Catalog(), middleware.WithLogger(cfg.Logger))(limiter.Middleware(middleware.BodyLimit(cfg.MaxBody)(middleware.RequireContentType("application/json")(mux))))
	return s
}

// Operations returns the API's operations as its routes declare them
// (apierr.Routes).
func (s *Server) Operations() []apierr.Operation { return append([]apierr.Operation(nil), s.ops...) }

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Deliver stores an incoming message for the mailbox at address (what the
// SMTP side would do) and returns its ID.
func (s *Server) Deliver(address string, m Message, files ...File) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m.ID = "msg_" + itoa(s.seq)
	m.to = address
	m.Received = s.cfg.Now().UTC()
	m.Attachments = nil
	for _, f := range files {
		m.Attachments = append(m.Attachments, Attachment{Name: f.Name, Size: len(f.Data), data: f.Data})
	}
	s.messages[m.ID] = &m
	return m.ID
}

func (s *Server) attachmentData(_ context.Context, id string, index int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messages[id].Attachments[index].data, nil
}
