package fax

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// Config configures a Server. The zero value works: seed 000's catalog, the
// real clock, 10 credits a page, 10 MB files, documents kept 24 hours, a
// transmitter tick every second, 10 requests a second per key (burst 20),
// 20 failed authentications a minute per client address.
type Config struct {
	// Catalog renders every error; nil means NewCatalog("").
	Catalog *apierr.Catalog
	// Now is the clock of balances, states, retention and rate limits;
	// nil means time.Now.
	Now func() time.Time
	// PricePerPage is the cost of a page in credits; 0 means 10.
	PricePerPage int64
	// FlatRate, when positive, is the cost of every fax whatever its pages.
	FlatRate int64
	// MaxFileSize is the largest document accepted, in bytes; 0 means 10 MB.
	MaxFileSize int64
	// Retention is how long a terminal fax's document is kept unless its
	// workspace says otherwise; 0 means 24 hours.
	Retention time.Duration
	// TickInterval is the transmitter's step; 0 means one second.
	TickInterval time.Duration
	// Ticks, when set, drives Run instead of a ticker (tests).
	Ticks <-chan time.Time
	// Outcome decides terminal states; nil means SandboxOutcome.
	Outcome Outcome
	// RatePerSecond is the requests a second each API key may make; 0
	// means 10, a negative value turns rate limiting off.
	RatePerSecond int64
	// Burst is how many requests a key may make at once; 0 means 20.
	Burst int64
	// MaxSubmissions is how many POST /fax each API key may have in
	// flight at once, in this process; 0 means 4, a negative value turns
	// the limit off. A submission holds its document (up to 10 MB) while
	// it runs, so this bounds what one key's parallel uploads cost in
	// memory: beyond it, 429 with Retry-After before the body is read.
	MaxSubmissions int64
	// AuthFailures is how many failed authentications (wrong or malformed
	// keys) each client address may make a minute, at once or spread out;
	// beyond, its requests with a key are answered 429 with Retry-After,
	// before the key is looked at, until the minute lets another one
	// through. 0 means 20, a negative value turns the throttle off.
	// Counted in RateLimitStore (under its own prefix), so with Redis every
	// process sees every failure.
	AuthFailures int64
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client whose failures AuthFailures counts; nil trusts none (the
	// connection's address is the client's).
	TrustedProxies []netip.Prefix
	// MinBodyRate is the slowest request body the API waits for, in bytes
	// a second once BodyGrace has passed; a slower or stalled body gets
	// 408 request_timeout and its connection is closed. 0 means
	// middleware.DefaultMinBodyRate (1 KiB/s), a negative value none.
	MinBodyRate int64
	// BodyGrace is how long a body may take before MinBodyRate applies; 0
	// means middleware.DefaultBodyGrace (10 s).
	BodyGrace time.Duration
	// RateLimitStore keeps the rate limiter's state; nil means an
	// in-process ratelimit.Memory on the Now clock. Share a Redis store
	// across processes.
	RateLimitStore ratelimit.Store
	// IdempotencyStore keeps Idempotency-Key records; nil means an
	// in-process memory store. Share a Redis store across processes.
	IdempotencyStore idempotency.Store
	// Logger receives the records of error responses (the first few of
	// each code every 10 s, then a count: middleware.Sampling) and of store
	// failures (one per layer every 10 s, then a count:
	// apierr.FailurePolicy.LogInterval); nil means slog.Default().
	Logger *slog.Logger
	// LogLevel is the level of client errors' records
	// (middleware.WithLevels); nil means middleware.DefaultLevel, info.
	LogLevel middleware.LevelFunc
	// StackOptions are passed to middleware.Stack after WithLogger(Logger),
	// e.g. middleware.WithSampling to log every error response.
	StackOptions []middleware.Option
	// Observer, when set, instruments the server (telemetry):
	// *apierrotel.Telemetry is one. nil means none.
	Observer Observer
}

// Observer watches the server's requests. Its Middleware wraps the routes
// inside middleware.Stack (so it sees each request's apierr.State after the
// handler); ObserveLimit and ObserveIdempotency wrap the rate limiter's and
// the idempotency middleware; the StoreError methods are their OnError
// hooks. The fax package never imports a telemetry library: a program that
// wants one passes it here.
type Observer interface {
	Middleware(next http.Handler) http.Handler
	ObserveLimit(kind string, limit func(http.Handler) http.Handler) func(http.Handler) http.Handler
	RateLimitStoreError(ctx context.Context, err error)
	ObserveIdempotency(header string, idem func(http.Handler) http.Handler) func(http.Handler) http.Handler
	IdempotencyStoreError(ctx context.Context, err error)
}

func (c *Config) defaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.PricePerPage == 0 {
		c.PricePerPage = 10
	}
	if c.MaxFileSize == 0 {
		c.MaxFileSize = 10 << 20
	}
	if c.Retention == 0 {
		c.Retention = 24 * time.Hour
	}
	if c.TickInterval == 0 {
		c.TickInterval = time.Second
	}
	if c.Outcome == nil {
		c.Outcome = SandboxOutcome
	}
	if c.RatePerSecond == 0 {
		c.RatePerSecond = 10
	}
	if c.Burst == 0 {
		c.Burst = 20
	}
	if c.AuthFailures == 0 {
		c.AuthFailures = 20
	}
	if c.MaxSubmissions == 0 {
		c.MaxSubmissions = 4
	}
}

// Server is the fax API: an http.Handler with its workspaces, keys, balances
// and faxes in memory, and a transmitter (Run, Advance) that moves faxes on.
type Server struct {
	cfg     Config
	cat     *apierr.Catalog
	store   *store
	keys    *auth.MemoryKeyStore
	outcome Outcome
	handler http.Handler
	flaky   flakyKeys          // SandboxFlakySuffix's first attempts
	ops     []apierr.Operation // the API's operations, as its routes declare them
	openapi []byte             // GET /openapi.json: the document with every operation's errors
	// limitClock is Config.Now as given: nil leaves the rate limiters'
	// Memory stores on their own monotonic clock (one runtime clock read a
	// check, where time.Now makes two and follows wall-clock jumps).
	limitClock func() time.Time
}

// New returns a Server with no workspaces; add them with AddWorkspace.
func New(cfg Config) (*Server, error) {
	limitClock := cfg.Now
	cfg.defaults()
	cat := cfg.Catalog
	if cat == nil {
		var err error
		if cat, err = NewCatalog(""); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, cat: cat, limitClock: limitClock, store: newStore(cfg.Now, cfg.Retention),
		keys: auth.NewMemoryKeyStore(), outcome: cfg.Outcome}
	s.handler = s.routes()
	doc, err := OpenAPI(cat, s.ops)
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Operations returns the API's operations as its routes declare them
// (apierr.Routes): each with the codes errors.yaml lists for it and those
// its middleware raise. A copy.
func (s *Server) Operations() []apierr.Operation {
	out := make([]apierr.Operation, len(s.ops))
	for i, o := range s.ops {
		o.Codes = append([]string(nil), o.Codes...)
		out[i] = o
	}
	return out
}

// Catalog returns the catalog the server renders errors with.
func (s *Server) Catalog() *apierr.Catalog { return s.cat }

// AddWorkspace adds (or replaces the settings of) a workspace.
func (s *Server) AddWorkspace(w Workspace) { s.store.addWorkspace(w) }

// SetActive activates or deactivates a workspace; it reports whether the
// workspace exists.
func (s *Server) SetActive(workspace string, active bool) bool {
	return s.store.setActive(workspace, active)
}

// Credit adds credits to a workspace's balance in env.
func (s *Server) Credit(workspace string, env Env, credits int64) {
	s.store.credit(workspace, env, credits)
}

// Balance returns a workspace's balance in env.
func (s *Server) Balance(workspace string, env Env) Balance { return s.store.balance(workspace, env) }

// Faxes lists a workspace's faxes in env, oldest first.
func (s *Server) Faxes(workspace string, env Env) []Fax { return s.store.snapshot(workspace, env) }

// IssueKey creates a random API key for workspace in env: fx_test_… or fx_live_….
func (s *Server) IssueKey(workspace string, env Env) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	key := KeyPrefix(env) + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	if err := s.AddKey(key, workspace, env); err != nil {
		panic(err) // unreachable: the prefix is right by construction
	}
	return key
}

// AddKey registers a chosen key (the demo's fixed keys). The key must carry
// env's prefix.
func (s *Server) AddKey(key, workspace string, env Env) error {
	if !strings.HasPrefix(key, KeyPrefix(env)) {
		return fmt.Errorf("fax: key for %s must start with %s", env, KeyPrefix(env))
	}
	// The store names the key by a digest prefix (KeyID), safe to log; the
	// rate limiter counts per KeyID.
	return s.keys.Add(key, apierr.Principal{Tenant: workspace, Environment: string(env), Method: "api_key"})
}

// KeyPrefix returns the prefix of env's keys.
func KeyPrefix(env Env) string { return "fx_" + string(env) + "_" }

// docsPath is the path the catalog's docs URLs share, e.g. /docs/errors/.
func (s *Server) docsPath() string {
	tmpl := s.cat.DocsURL()
	if i := strings.IndexByte(tmpl, '{'); i >= 0 {
		tmpl = tmpl[:i]
	}
	u, err := url.Parse(tmpl)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "/docs/errors/"
	}
	p := u.Path
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[:i+1]
	}
	return p
}
