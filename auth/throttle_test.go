package auth_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// throttled is an API behind auth.New with a Throttle of limit failures a
// minute per client address; 127.0.0.3 is its trusted proxy.
func throttled(t *testing.T, limit int64, store ratelimit.Store) (srv *httptest.Server, validKey string) {
	t.Helper()
	keys := auth.NewMemoryKeyStore()
	validKey = "sk_" + randomHex()
	if err := keys.Add(validKey, apierr.Principal{Subject: "u1", Tenant: "acme", KeyID: "k1"}); err != nil {
		t.Fatal(err)
	}
	trusted, err := ratelimit.ParseTrusted("127.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	client := &ratelimit.ClientIP{Trusted: trusted}
	throttle := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerMinute(limit)},
		Store:    store,
		Key:      client.Key,
		Prefix:   "authfail:",
	})
	mw := auth.New(auth.Config{Keys: keys, Throttle: throttle})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return serve(t, middleware.Stack(nil, quietLog())(mw(ok))), validKey
}

func quietLog() middleware.Option {
	return middleware.WithLogger(discardLogger())
}

func randomHex() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// clientFrom returns a client whose connections come from the loopback
// address src (Linux routes all of 127.0.0.0/8 to lo).
func clientFrom(t *testing.T, src string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

type answer struct {
	status     int
	retryAfter string
	rateLimit  string
	code       string
}

func get(t *testing.T, c *http.Client, url, key, xff string) answer {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), rateLimit: resp.Header.Get("RateLimit")}
	if resp.StatusCode >= 400 {
		a.code = string(body)
	}
	return a
}

// guess sends n random keys and counts the answers by status.
func guess(t *testing.T, c *http.Client, url string, n int, xff func(i int) string) map[int]int {
	t.Helper()
	got := map[int]int{}
	for i := 0; i < n; i++ {
		a := get(t, c, url, "sk_"+randomHex(), xff(i))
		got[a.status]++
		if a.status == http.StatusTooManyRequests {
			if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 || s > 60 {
				t.Fatalf("429 with Retry-After %q, want 1..60 s", a.retryAfter)
			}
			if a.rateLimit == "" {
				t.Fatalf("429 without a RateLimit field")
			}
		}
	}
	return got
}

func noXFF(int) string { return "" }

func TestThrottleFailedAuthentications(t *testing.T) {
	if _, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skipf("no second loopback address to dial from: %v", err)
	}
	srv, valid := throttled(t, 5, ratelimit.NewMemory(ratelimit.MemoryConfig{}))
	a, b, proxy := clientFrom(t, "127.0.0.1"), clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3")

	// A burst of random keys from one address: 5 failures, then 429s.
	if got := guess(t, a, srv.URL, 40, noXFF); got[401] != 5 || got[429] != 35 {
		t.Fatalf("40 guesses from one address: %v, want 5 × 401 then 35 × 429", got)
	}
	// While blocked, a valid key from that address is refused too, before
	// its key is looked at.
	if got := get(t, a, srv.URL, valid, ""); got.status != http.StatusTooManyRequests {
		t.Fatalf("valid key from the blocked address: %d, want 429", got.status)
	}
	// A request without a credential is no attempt: answered as usual.
	if resp, err := a.Get(srv.URL); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no credential from the blocked address: %v %v, want 401", resp, err)
	} else {
		resp.Body.Close()
	}

	// Another address is unaffected.
	if got := get(t, b, srv.URL, valid, ""); got.status != http.StatusNoContent {
		t.Fatalf("valid key from another address: %+v, want 204", got)
	}
	if got := get(t, b, srv.URL, "sk_"+randomHex(), ""); got.status != http.StatusUnauthorized {
		t.Fatalf("a wrong key from another address: %+v, want 401", got)
	}

	// An untrusted peer's X-Forwarded-For is ignored: rotating it does
	// not escape the block (b has 1 failure; 4 more, then 429).
	if got := guess(t, b, srv.URL, 10, func(i int) string { return "198.51.100." + strconv.Itoa(i+1) }); got[401] != 4 || got[429] != 6 {
		t.Fatalf("guesses from an untrusted peer with forged X-Forwarded-For: %v, want 4 × 401, 6 × 429", got)
	}

	// The trusted proxy's X-Forwarded-For is honoured: its clients are
	// throttled one by one, and the proxy itself is never blocked.
	victim := func(int) string { return "203.0.113.1, 203.0.113.9" } // a forged entry, then the real client
	if got := guess(t, proxy, srv.URL, 8, victim); got[401] != 5 || got[429] != 3 {
		t.Fatalf("guesses by 203.0.113.9 through the proxy: %v, want 5 × 401, 3 × 429", got)
	}
	if got := get(t, proxy, srv.URL, valid, "203.0.113.10"); got.status != http.StatusNoContent {
		t.Fatalf("another client of the same proxy: %+v, want 204", got)
	}
	if got := get(t, proxy, srv.URL, valid, "203.0.113.9"); got.status != http.StatusTooManyRequests {
		t.Fatalf("valid key from the blocked client behind the proxy: %+v, want 429", got)
	}
}

// The 429 is the catalog's: code, Retry-After, retry_after, RateLimit.
func TestThrottleAnswerIsTheCatalogs(t *testing.T) {
	srv, _ := throttled(t, 1, ratelimit.NewMemory(ratelimit.MemoryConfig{}))
	c := srv.Client()
	get(t, c, srv.URL, "sk_wrong", "")
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL, nil)
	req.Header.Set("Authorization", "Bearer sk_wrong_again")
	r := do(t, req)
	if r.status != 429 || r.str("error") != "rate_limited" || r.header.Get("Retry-After") != "60" || r.context()["retry_after"] != 60.0 ||
		r.header.Get("RateLimit") != `"minute";r=0;t=60` || r.header.Get("RateLimit-Policy") != `"minute";q=1;w=60` {
		t.Fatalf("429 = %d %s %v", r.status, r.body, r.header)
	}
}
