// Package faxapp is what the framework examples share: the fax
// catalog, the keys, the net/http middleware each mounts in its framework's
// way, the little domain (balances, faxes) and the program's main.
package faxapp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// Credits is the sandbox balance at start; a fax costs CostPerFax.
const (
	Credits    = 1000
	CostPerFax = 10
	// MaxBody is the largest request body POST /fax reads.
	MaxBody = 1 << 20
)

// App is one example's shared part.
type App struct {
	// Catalog is examples/fax/errors.yaml with docs links on the app itself.
	Catalog *apierr.Catalog
	// SandboxKey (Credits credits) and LiveKey (none) are random per start.
	SandboxKey, LiveKey string

	// The net/http middleware each framework mounts its own way.
	Auth        func(http.Handler) http.Handler
	Limit       func(http.Handler) http.Handler // 10 requests a second per key, bursts of 20
	BodyLimit   func(http.Handler) http.Handler // MaxBody
	JSONOnly    func(http.Handler) http.Handler // POST bodies must be JSON
	Idempotency func(http.Handler) http.Handler // Idempotency-Key on POST

	mu       sync.Mutex
	balances map[string]int64 // tenant/environment → credits
	faxes    map[string]Fax
}

// Fax is a fax as the API shows it.
type Fax struct {
	ID     string `json:"id"`
	To     string `json:"to"`
	Status string `json:"status"`
	Cost   int64  `json:"cost"`
	owner  string
}

// Balance is GET /account/balance's body.
type Balance struct {
	Environment string `json:"environment"`
	Available   int64  `json:"available"`
	Currency    string `json:"currency"`
}

// New returns an App whose docs links point at base (e.g.
// "http://127.0.0.1:8081"); "" keeps errors.yaml's own.
func New(base string) (*App, error) {
	docs := ""
	if base != "" {
		docs = strings.TrimSuffix(base, "/") + "/docs/errors/{slug}"
	}
	cat, err := fax.NewCatalog(docs)
	if err != nil {
		return nil, err
	}
	a := &App{Catalog: cat, SandboxKey: "fx_test_" + randomHex(12), LiveKey: "fx_live_" + randomHex(12),
		balances: map[string]int64{"acme/test": Credits}, faxes: map[string]Fax{}}
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(a.SandboxKey, apierr.Principal{Tenant: "acme", Environment: "test"}); err != nil {
		return nil, err
	}
	if err := keys.Add(a.LiveKey, apierr.Principal{Tenant: "acme", Environment: "live"}); err != nil {
		return nil, err
	}
	a.Auth = auth.New(auth.Config{Keys: keys, Realm: "fax",
		Prefixes: map[string]string{"fx_test_": "test", "fx_live_": "live"}})
	a.Limit = ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerSecond(10).WithBurst(20)},
		Key:      ratelimit.ByKeyID,
	}).Middleware
	a.BodyLimit = middleware.BodyLimit(MaxBody)
	a.JSONOnly = middleware.RequireContentType("application/json")
	a.Idempotency = idempotency.New(idempotency.Config{MaxBodyBytes: MaxBody})
	return a, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func account(ctx context.Context) (string, string) {
	p := apierr.PrincipalFrom(ctx)
	if p == nil {
		return "", ""
	}
	return p.Tenant + "/" + p.Environment, p.Environment
}

// Balance returns the caller's balance.
func (a *App) Balance(ctx context.Context) Balance {
	acct, env := account(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	return Balance{Environment: env, Available: a.balances[acct], Currency: "credits"}
}

// Send queues a fax to to, charging the caller: insufficient_balance when
// the balance is short, a 500 for a number ending in 0500 (the sandbox's
// failing number, as in the demo).
func (a *App) Send(ctx context.Context, to string) (Fax, error) {
	if strings.HasSuffix(to, "0500") {
		return Fax{}, apierr.Internal(errors.New("faxapp: sandbox number ending in 0500: simulated failure"))
	}
	acct, _ := account(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	if have := a.balances[acct]; have < CostPerFax {
		return Fax{}, apierr.New("insufficient_balance").With("available", have).With("required", CostPerFax)
	}
	a.balances[acct] -= CostPerFax
	f := Fax{ID: "fax_" + randomHex(8), To: to, Status: "queued", Cost: CostPerFax, owner: acct}
	a.faxes[f.ID] = f
	return f, nil
}

// Lookup returns the caller's fax id; ok is false when there is none (the
// examples answer with their framework's own not-found error).
func (a *App) Lookup(ctx context.Context, id string) (Fax, bool) {
	acct, _ := account(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	f, ok := a.faxes[id]
	return f, ok && f.owner == acct
}

// SampleFax is a body POST /fax accepts: a one-page PDF, base64-encoded.
func SampleFax() string {
	return `{"to":"+14155550123","file":"JVBERi0xLjQKMSAwIG9iaiA8PC9UeXBlIC9QYWdlPj4gZW5kb2JqCnRyYWlsZXIgPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg=="}`
}

// Main runs an example: --addr, a banner with the keys and what to try,
// then the handler newHandler builds, until interrupted.
func Main(framework string, newHandler func(*App) http.Handler) {
	MainServer(framework, func(a *App) Server { return HTTPServer(newHandler(a)) })
}

// Server is an example's server: Serve answers on ln until Shutdown.
// *http.Server is one; a framework that is not net/http (fiber) brings its
// own.
type Server interface {
	Serve(ln net.Listener) error
	Shutdown(ctx context.Context) error
}

// HTTPServer is the net/http server of the examples that have a handler.
func HTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
}

// MainServer is Main for a framework that serves by itself: newServer
// builds its server.
func MainServer(framework string, newServer func(*App) Server) {
	if err := run(os.Args[1:], os.Stdout, framework, newServer); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer, framework string, newServer func(*App) Server) error {
	fs := flag.NewFlagSet(framework, flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base := "http://" + *addr
	app, err := New(base)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := newServer(app)
	fmt.Fprintf(out, `apierr on %s: the fax API on %s
  sandbox key: %s   (%d credits)
  live key:    %s   (no credits: POST /fax answers insufficient_balance)

  curl -s %s/account/balance -H "Authorization: Bearer %s"
  curl -si -X POST %s/fax -H 'Content-Type: application/json' -H "Authorization: Bearer %s" -d '%s'
  curl -si -X POST %s/fax -H 'Content-Type: application/json' -H "Authorization: Bearer %s" -d '{"to":"12"}'
  go run ./cmd/apierr probe %s --catalog examples/fax/errors.yaml --key %s --post /fax --data '%s' --idempotency --flood 50
`, framework, base, app.SandboxKey, Credits, app.LiveKey,
		base, app.SandboxKey, base, app.SandboxKey, SampleFax(), base, app.SandboxKey,
		base, app.SandboxKey, SampleFax())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		log.Print("shutting down")
		err := srv.Shutdown(shut)
		apierr.FlushLogs() // the counts of the log records sampled out in the last interval
		return err
	}
}
