package fax

import (
	"crypto/sha256"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BareWorkHandler is the benchmark baseline for `apierr demo --bare-work`:
// the demo's GET /account/balance, GET /fax/{id} and unknown paths answered
// by net/http alone doing by hand the work the demo's stack does for them,
// the way a careful hand-written service would:
//
//   - a request ID per request (26 random base-32 characters, as
//     middleware.NewRequestID), in X-Request-Id and in every error body;
//   - the API key looked up by its SHA-256 digest, the workspace checked;
//   - the client address's failed authentications peeked at (a GCRA per
//     address, 20 a minute, as the demo's default throttle);
//   - a GCRA per API key (rate and burst as the demo's flags) with the
//     RateLimit and RateLimit-Policy fields on every answer;
//   - errors as the demo's JSON bodies with the request ID and the
//     headers the catalog sends (Cache-Control, Content-Language, Vary,
//     X-Content-Type-Options), and one log record per error response on
//     log (every one: no sampling).
//
// What it leaves out is what the comparison is about: no catalog, no
// per-request state, no normalizer watching the status, no recover.
// It serves no real faxes: every id is unknown.
func BareWorkHandler(log *slog.Logger, rate, burst int64) http.Handler {
	if rate <= 0 {
		rate = 10
	}
	if burst <= 0 {
		burst = rate
	}
	b := &bareWork{log: log, keys: map[[32]byte]bareKey{sha256.Sum256([]byte(DemoSandboxKey)): {id: "key_sandbox", workspace: "ws_acme"}},
		active: map[string]bool{"ws_acme": true},
		rate:   bareGCRA{limit: rate, burst: burst, period: time.Second, tats: map[string]int64{}},
		fails:  bareGCRA{limit: 20, burst: 20, period: time.Minute, tats: map[string]int64{}}}
	b.policy = []string{`"second";q=` + strconv.FormatInt(rate, 10) + `;w=1`}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /account/balance", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := b.begin(w, r); !ok {
			return
		}
		_ = writeJSON(w, http.StatusOK, Balance{Environment: Sandbox, Balance: DemoSandboxCredits,
			Available: DemoSandboxCredits, Currency: "credits"})
	})
	mux.HandleFunc("GET /fax/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := b.begin(w, r)
		if !ok {
			return
		}
		b.fail(w, r, id, http.StatusNotFound, `{"error":"not_found","message":"The requested resource does not exist.","action":"verify_id","docs":"https://mintfax.com/docs/errors/not-found","request_id":"`, "not_found")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		id := b.requestID(w)
		b.fail(w, r, id, http.StatusNotFound, `{"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","docs":"https://mintfax.com/docs/errors/endpoint-not-found","request_id":"`, "endpoint_not_found")
	})
	return mux
}

type bareKey struct{ id, workspace string }

type bareWork struct {
	log    *slog.Logger
	keys   map[[32]byte]bareKey
	active map[string]bool
	rate   bareGCRA
	fails  bareGCRA
	policy []string
}

// begin gives the request its ID, authenticates it and checks its limits;
// it answers the error itself when one fails.
func (b *bareWork) begin(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := b.requestID(w)
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if !b.fails.peek(ip) {
		b.fail(w, r, id, http.StatusTooManyRequests, `{"error":"rate_limit_exceeded","message":"Too many requests.","action":"retry_later","docs":"https://mintfax.com/docs/errors/rate-limit-exceeded","request_id":"`, "rate_limit_exceeded")
		return id, false
	}
	k, ok := b.keys[sha256.Sum256([]byte(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))]
	if !ok || !b.active[k.workspace] {
		b.fails.take(ip)
		b.fail(w, r, id, http.StatusUnauthorized, `{"error":"api_key_invalid","message":"The API key was sent but is not recognized.","action":"check_credentials","docs":"https://mintfax.com/docs/errors/api-key-invalid","request_id":"`, "api_key_invalid")
		return id, false
	}
	allowed, remaining, reset := b.rate.allow(k.id)
	h := w.Header()
	h["Ratelimit-Policy"] = b.policy
	h["Ratelimit"] = []string{`"second";r=` + strconv.FormatInt(remaining, 10) + `;t=` + strconv.FormatInt(reset, 10)}
	if !allowed {
		h["Retry-After"] = []string{strconv.FormatInt(max(reset, 1), 10)}
		b.fail(w, r, id, http.StatusTooManyRequests, `{"error":"rate_limit_exceeded","message":"Too many requests.","action":"retry_later","docs":"https://mintfax.com/docs/errors/rate-limit-exceeded","request_id":"`, "rate_limit_exceeded")
		return id, false
	}
	return id, true
}

func (b *bareWork) requestID(w http.ResponseWriter) string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var buf [26]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 13 {
		buf[i], buf[13+i] = alphabet[hi&31], alphabet[lo&31]
		hi, lo = hi>>5, lo>>5
	}
	id := string(buf[:])
	w.Header()["X-Request-Id"] = []string{id}
	return id
}

// fail writes an error body (head, then the request ID) and logs it.
func (b *bareWork) fail(w http.ResponseWriter, r *http.Request, id string, status int, head, code string) {
	start := time.Now()
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Cache-Control"] = []string{"no-store"}
	h["Content-Language"] = []string{"en"}
	h["Vary"] = []string{"Accept", "Accept-Language"}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(status)
	var buf [512]byte
	body := append(append(append(buf[:0], head...), id...), "\"}\n"...)
	_, _ = w.Write(body)
	if b.log != nil {
		b.log.LogAttrs(r.Context(), slog.LevelInfo, "error response",
			slog.String("request_id", id), slog.String("code", code), slog.Int("status", status),
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("path", r.URL.Path),
			slog.Duration("latency", time.Since(start)))
	}
}

// bareGCRA is a hand-written GCRA per key, in one map under one mutex.
type bareGCRA struct {
	mu           sync.Mutex
	limit, burst int64
	period       time.Duration
	tats         map[string]int64 // ns since start
	start        time.Time
	startOnce    sync.Once
}

func (g *bareGCRA) now() int64 {
	g.startOnce.Do(func() { g.start = time.Now() })
	return int64(time.Since(g.start))
}

// allow charges one unit to key: admitted, remaining units, seconds until full.
func (g *bareGCRA) allow(key string) (bool, int64, int64) {
	iv := max(int64(g.period)/g.limit, 1)
	now := g.now()
	g.mu.Lock()
	tat := max(g.tats[key], now)
	ok := tat+iv-g.burst*iv <= now
	if ok {
		tat += iv
		g.tats[key] = tat
	}
	g.mu.Unlock()
	remaining := min((now+g.burst*iv-tat)/iv, g.limit)
	return ok, max(remaining, 0), (tat - now + int64(time.Second) - 1) / int64(time.Second)
}

// peek reports whether key has a unit left, charging nothing.
func (g *bareGCRA) peek(key string) bool {
	iv := max(int64(g.period)/g.limit, 1)
	now := g.now()
	g.mu.Lock()
	tat := max(g.tats[key], now)
	g.mu.Unlock()
	return tat+iv-g.burst*iv <= now
}

func (g *bareGCRA) take(key string) { g.allow(key) }
