// Command quickstart is the smallest complete apierr service, the program the
// README's "Use it" section is pasted from: one catalog, the runtime stack,
// API-key auth, a rate limit, idempotency keys, JSON binding with
// validation, a business error, and the docs every error links to, served
// by the same program without a key.
//
//	go run ./examples/quickstart --addr 127.0.0.1:8080
//
// It prints the API key it accepts (a new one each start).
package main

import (
	"context"
	"crypto/rand"
	_ "embed"
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
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

//go:embed errors.yaml
var catalogYAML []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves the API until ctx ends; it prints the address and the key.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cat, err := apierr.Load(catalogYAML, "errors.yaml")
	if err != nil {
		return err // apierr: errors.yaml:12:5: unknown key "stauts" … (did you mean "status"?)
	}
	key := newKey()
	handler, err := newHandler(cat, key)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on http://%s\nAPI key: %s\n", ln.Addr(), key)
	srv := newServer(handler)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown) // waits for the requests in flight
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-stopped
	apierr.FlushLogs() // the counts of the log records sampled out in the last interval
	return nil
}

// --- pasted into README.md from here ---

// newHandler wires the API. The order of the layers matters:
//
//	Stack    request ID, recover, and the normalizer: every response ≥ 400 is
//	         a catalog error, the router's own 404 and 405 included
//	mux      routes; the docs pages need no key, so every error's "docs" link answers
//	auth     who is calling: limits and idempotency keys are scoped to the caller
//	limit    reject excess traffic before any work is done
//	once     Idempotency-Key: a retried POST replays the first answer instead of running twice
func newHandler(cat *apierr.Catalog, key string) (http.Handler, error) {
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(key, apierr.Principal{Tenant: "acme", KeyID: "key_1"}); err != nil {
		return nil, err
	}
	authn := auth.New(auth.Config{Keys: keys})
	limit := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerSecond(10).WithBurst(20)}})
	once := idempotency.New(idempotency.Config{})

	protect := func(h http.Handler) http.Handler { return authn(limit.Middleware(h)) }

	var balance = 100 // credits; a real service keeps this in its database
	mux := http.NewServeMux()
	mux.Handle(docgen.BasePath(cat), docgen.Handler(cat))
	mux.Handle("POST /orders", protect(once(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req struct {
			Item     string `json:"item" validate:"required"`
			Quantity int    `json:"quantity" validate:"required,min=1,max=100"`
		}
		if err := bind.JSON(r, &req); err != nil {
			return err // 400 with line and column, or 422 listing every bad field
		}
		if cost := req.Quantity * 30; cost > balance {
			return apierr.New("insufficient_balance").With("available", balance).With("required", cost)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, err := fmt.Fprintf(w, `{"item":%q,"quantity":%d}`+"\n", req.Item, req.Quantity)
		return err // a plain Go error renders as the internal code; its text goes only to the log
	}))))
	mux.Handle("GET /orders/{id}", protect(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		http.NotFound(w, r) // even third-party plain-text errors come out as catalog errors
		return nil
	})))
	// Bodies must arrive at 1 KiB/s after 10 s, or get 408 and a closed connection.
	return middleware.Stack(cat)(middleware.MinBodyRate(0, 0)(mux)), nil
}

// newServer sets every timeout: a client that sends its headers or body
// slowly, or never reads the answer, cannot hold a connection for ever
// (MinBodyRate replaces ReadTimeout while a body is read; WriteTimeout,
// counted from the end of the headers, still bounds the whole exchange).
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// --- to here ---

// newKey returns a fresh test key, printed at start.
func newKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "qs_test_" + hex.EncodeToString(b)
}
