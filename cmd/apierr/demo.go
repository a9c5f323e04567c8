package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
	"github.com/redis/go-redis/v9"
)

const demoHelp = `usage: apierr demo [--addr 127.0.0.1:8080] [--redis URL]

Runs the fax API of seed 000 in memory, prints its API keys and curl
commands that trigger each kind of error, and serves until interrupted.

--redis takes a single node (redis://[user:password@]host:port[/db]) or a
Redis Cluster in go-redis's form (redis://h1:p1?addr=h2:p2&addr=h3:p3).

flags:`

func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (port 0 picks a free one)")
	redisURL := fs.String("redis", "", "Redis `URL` for rate limits and idempotency keys (default: in memory; faxes and balances stay in each process)")
	docsURL := fs.String("docs-url", "", "docs permalink `template` in error bodies (default: http://ADDR/docs/errors/{slug}, served by the demo)")
	tick := fs.Duration("tick", 2*time.Second, "transmitter step: a fax takes three steps to finish")
	retention := fs.Duration("retention", 24*time.Hour, "how long a finished fax's document is kept (then image and resend give fax_data_purged)")
	rps := fs.Int64("rate", 10, "requests per second per API key (negative: no limit)")
	burst := fs.Int64("burst", 20, "requests per API key at once")
	submissions := fs.Int64("max-submissions", 4, "POST /fax per API key in flight at once, in this process (negative: no limit); each holds its document, up to 10 MB")
	authFailures := fs.Int64("auth-failures", 20, "failed authentications per minute per client address before its requests get 429 (negative: no limit)")
	trusted := fs.String("trusted-proxies", "", "comma-separated `CIDRs` of proxies whose X-Forwarded-For names the client for --auth-failures (default: none; the connection's address)")
	minBodyRate := fs.Int64("min-body-rate", 1024, "slowest request body accepted, in bytes/s after --body-grace (slower: 408 and the connection closed; negative: none)")
	bodyGrace := fs.Duration("body-grace", 10*time.Second, "how long a request body may take before --min-body-rate applies")
	bare := fs.Bool("bare", false, "benchmark baseline: serve GET /account/balance and GET /fax/{id} with net/http alone, no apierr")
	quiet := fs.Bool("quiet", false, "write no log records (error responses, store failures, the Redis client's); without it they go to stderr, repeats sampled: the first 5 of a code every 10 s, then a count")
	log4xx := fs.String("log-4xx", "info", "`level` of client errors' records: debug, info, warn, error or off (5xx are always error)")
	log429 := fs.String("log-429", "", "`level` of 429 records, if not --log-4xx's")
	bareWork := fs.Bool("bare-work", false, "benchmark baseline: the same routes with net/http alone doing the demo's work by hand (request IDs, key digest lookup, rate limits and their fields, JSON errors, a log record per error)")
	logFile := fs.String("log-file", "", "append the error log to `PATH` instead of stderr")
	logFormat := fs.String("log-format", "text", "error log format: text or json")
	logEvery := fs.Bool("log-every", false, "log every error response (default: the first 5 of each code every 10 s, then a count)")
	if _, err := preamble(fs, demoHelp, args, 0, "", stdout, stderr); err != nil {
		return err
	}
	clientLevel, err := parseLogLevel(*log4xx)
	if err != nil {
		return usageError("--log-4xx: %v", err)
	}
	limitedLevel := clientLevel
	if *log429 != "" {
		if limitedLevel, err = parseLogLevel(*log429); err != nil {
			return usageError("--log-429: %v", err)
		}
	}
	if *burst < 1 {
		return usageError("--burst must be at least 1")
	}
	proxies, err := ratelimit.ParseTrusted(*trusted)
	if err != nil {
		return usageError("--trusted-proxies: %v", err)
	}
	if *tick <= 0 || *retention <= 0 {
		return usageError("--tick and --retention must be positive")
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usageError("--log-format must be text or json, not %q", *logFormat)
	}
	// One logger for every layer, so --quiet silences them all.
	logger := slog.New(slog.DiscardHandler)
	if !*quiet {
		var logOut io.Writer = stderr
		if *logFile != "" {
			f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				return usageError("--log-file: %v", err)
			}
			defer f.Close()
			logOut = f
		}
		opts := &slog.HandlerOptions{Level: min(slog.LevelInfo, clientLevel, limitedLevel)}
		if *logFormat == "json" {
			logger = slog.New(slog.NewJSONHandler(logOut, opts))
		} else {
			logger = slog.New(slog.NewTextHandler(logOut, opts))
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("demo: %v", err)}
	}
	defer ln.Close()
	base := "http://" + dialable(ln.Addr().(*net.TCPAddr))
	if *bare {
		fmt.Fprintln(stdout, "apierr demo --bare: the benchmark baseline (net/http only), listening on "+base)
		return serve(ctx, ln, fax.BareHandler())
	}
	if *bareWork {
		fmt.Fprintln(stdout, "apierr demo --bare-work: the benchmark baseline (net/http doing the demo's work by hand), listening on "+base)
		return serve(ctx, ln, fax.BareWorkHandler(logger, *rps, *burst))
	}
	if *docsURL == "" {
		*docsURL = base + "/docs/errors/{slug}"
	}
	cat, err := fax.NewCatalog(*docsURL)
	if err != nil {
		return usageError("--docs-url: %v", err)
	}
	cfg := fax.Config{Catalog: cat, TickInterval: *tick, Retention: *retention, RatePerSecond: *rps, Burst: *burst, MaxSubmissions: *submissions,
		AuthFailures: *authFailures, TrustedProxies: proxies, MinBodyRate: *minBodyRate, BodyGrace: *bodyGrace,
		Logger: logger, LogLevel: middleware.ClientErrorLevels(clientLevel, limitedLevel)}
	if *logEvery {
		cfg.StackOptions = append(cfg.StackOptions, middleware.WithSampling(middleware.Sampling{First: -1}))
	}
	if *redisURL != "" {
		client, idem, rl, err := demoRedis(ctx, *redisURL, logger)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("demo: --redis: %v", err)}
		}
		defer client.Close()
		cfg.IdempotencyStore, cfg.RateLimitStore = idem, rl
	}
	srv, err := fax.NewDemo(cfg)
	if err != nil {
		return err
	}
	stop := srv.Start()
	defer stop()

	stores := "in memory"
	if *redisURL != "" {
		stores = "on Redis"
	}
	printBanner(stdout, base, stores)
	return serve(ctx, ln, srv)
}

// serve serves h on ln until ctx is done, then shuts down gracefully.
//
// Every timeout is set, so that no client holds a connection for ever:
// headers must arrive within 10 s; ReadTimeout bounds a body no guard
// covers (the fax routes' bodies have a minimum rate instead, which pushes
// the read deadline back as bytes arrive, so a large upload on a slow link
// is not cut off); WriteTimeout, counted from the end of the headers,
// bounds the whole exchange (upload, handler, download); an idle
// keep-alive connection is closed after a minute; headers are capped at
// 64 KiB.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	apierr.FlushLogs() // the counts of the last log interval, written before the process goes
	if err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseLogLevel reads a --log-* level: off, or one slog.Level reads.
func parseLogLevel(s string) (slog.Level, error) {
	if strings.EqualFold(s, "off") {
		return middleware.LevelOff, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%q is not debug, info, warn, error or off", s)
	}
	return l, nil
}

// redisLog sends the Redis client's own records (a failed dial, a pool
// error) to the demo's logger.
type redisLog struct{ l *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.l.LogAttrs(ctx, slog.LevelWarn, fmt.Sprintf(format, v...)) // its messages start "redis: "
}

// demoRedis connects to url (one node or a cluster) and checks it answers;
// the Redis client and the stores log on logger.
func demoRedis(ctx context.Context, url string, logger *slog.Logger) (io.Closer, *redisstore.IdempotencyStore, *redisstore.RateLimitStore, error) {
	redis.SetLogger(redisLog{logger}) // the client's logger is global: the demo owns its process
	client, err := redisstore.NewClientFromURL(url)
	if err != nil {
		return nil, nil, nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		client.Close()
		return nil, nil, nil, fmt.Errorf("cannot reach Redis: %v", err)
	}
	return client,
		redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: "apierr:demo:idem:", Logger: logger}),
		redisstore.NewRateLimitStore(client, redisstore.RateLimitConfig{Prefix: "apierr:demo:rl:"}), nil
}

// dialable turns a listen address into one a client can use: an unspecified
// host (0.0.0.0, ::) becomes localhost.
func dialable(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP == nil || a.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(a.Port))
}

func printBanner(w io.Writer, base, stores string) {
	pdf := base64.StdEncoding.EncodeToString(fax.DemoPDF())
	auth := `-H "Authorization: Bearer $SANDBOX"`
	post := `curl -si -X POST $API/fax -H 'Content-Type: application/json'`
	lines := []string{
		"apierr demo: the fax API of seed 000, listening on " + base + "; limits and idempotency keys " + stores,
		"",
		"Paste into a shell (the keys are fixed, for the demo only):",
		"  export API=" + base,
		"  export SANDBOX=" + fax.DemoSandboxKey + "    # workspace Acme, sandbox, " + fmt.Sprint(fax.DemoSandboxCredits) + " credits",
		"  export LIVE=" + fax.DemoLiveKey + "       # workspace Acme, live, no credits",
		"  export GLOBEX=" + fax.DemoGlobexKey + "  # another workspace, zero-footprint",
		"  export INACTIVE=" + fax.DemoInactiveKey + " # a deactivated workspace",
		`  export FAX='{"to":"+14155550123","file":"` + pdf + `"}'     # a one-page PDF`,
		`  export FAX500='{"to":"+14155550500","file":"` + pdf + `"}'  # 0500: the sandbox answers 500`,
		"",
		"Sandbox numbers: ending 0000 → the fax fails; ending 0500 → POST /fax answers 500; ending 0501 → 500 to",
		"the first attempt of each Idempotency-Key, then accepted (a transient failure, to test retries); others → delivered.",
		"A fax costs 10 credits a page; the transmitter moves it queued → submitted → in_progress → delivered.",
		"",
		"Success:",
		`  curl -s $API/account/balance ` + auth,
		`  ` + post + ` ` + auth + ` -d "$FAX"                  # 201, the fax`,
		"",
		"One request per kind of error:",
		`  curl -si $API/account/balance                                        # 401 api_key_missing`,
		`  curl -si $API/account/balance -H "Authorization: Basic dXNlcjpwYXNz" # 401 unauthenticated`,
		`  curl -si $API/account/balance -H "Authorization: Bearer  $SANDBOX"   # 401 api_key_invalid, hint: whitespace`,
		`  curl -si $API/account/balance -H "Authorization: Bearer $INACTIVE"   # 403 workspace_inactive`,
		`  ` + post + ` ` + auth + ` -d '{"file":"aGVsbG8="}'   # 422 validation_failed (to, file)`,
		`  ` + post + ` -H "Authorization: Bearer $LIVE" -d "$FAX"  # 402 insufficient_balance`,
		`  curl -si $API/fax/fax_does_not_exist ` + auth + `    # 404 not_found`,
		`  curl -si $API/fax/` + fax.DemoLiveFaxID + ` ` + auth + `         # 404 not_found: a live fax, a sandbox key`,
		`  curl -si $API/fax/` + fax.DemoGlobexFaxID + ` ` + auth + `       # 403 forbidden: another workspace's fax`,
		`  curl -si $API/fax/` + fax.DemoPurgedFaxID + `/image ` + auth + ` # 422 fax_data_purged`,
		`  ID=$(curl -s -X POST $API/fax -H 'Content-Type: application/json' ` + auth + ` -d "$FAX" | sed -E 's/.*"id":"([^"]+)".*/\1/')`,
		`  curl -si -X DELETE $API/fax/$ID ` + auth + `         # 409 fax_not_terminal (while in flight)`,
		`  ` + post + ` ` + auth + ` -d "$FAX500"   # 500 internal_server_error`,
		`  for i in $(seq 25); do curl -s -o /dev/null -w '%{http_code} ' $API/account/balance ` + auth + `; done; echo  # … 429 rate_limit_exceeded`,
		"",
		"A safe retry: send this twice; the second answer is the first one replayed (Idempotent-Replayed: true), not a second fax:",
		`  ` + post + ` ` + auth + ` -H 'Idempotency-Key: order-1234' -d "$FAX"`,
		"",
		"Every error's \"docs\" link resolves on the demo: the reference is " + base + "/docs/errors/",
		"  e.g. " + base + "/docs/errors/insufficient-balance",
		"",
		"Ctrl-C stops the demo.",
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
