package redisstore_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// Failed authentications are counted across processes: two servers (each
// its own client, store and limiter, as two processes would have) share
// a Redis store, and one address's guesses spread over both are blocked on
// both once their sum reaches the limit, a valid key included.
func TestAuthThrottleAcrossProcesses(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		prefix := freshPrefix(srv)
		keys := auth.NewMemoryKeyStore()
		if err := keys.Add("sk_valid", apierr.Principal{Subject: "u", Tenant: "t", KeyID: "k"}); err != nil {
			t.Fatal(err)
		}
		var urls []string
		for i := 0; i < 2; i++ {
			store := redisstore.NewRateLimitStore(srv.Client(), redisstore.RateLimitConfig{Prefix: prefix, Timeout: 10 * time.Second})
			throttle := ratelimit.New(ratelimit.Config{
				Policies:      []ratelimit.Policy{ratelimit.PerMinute(6)},
				Store:         store,
				Key:           (&ratelimit.ClientIP{}).Key,
				Prefix:        "authfail:",
				FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailLocal},
			})
			ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
			h := middleware.Stack(nil, middleware.WithLogger(slog.New(slog.DiscardHandler)))(auth.New(auth.Config{Keys: keys, Throttle: throttle})(ok))
			s := httptest.NewServer(h)
			t.Cleanup(s.Close)
			urls = append(urls, s.URL)
		}
		status := func(url, key string) (int, string) {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode, resp.Header.Get("Retry-After")
		}
		got := map[int]int{}
		for i := 0; i < 20; i++ {
			code, ra := status(urls[i%2], "sk_guess_"+strconv.Itoa(i))
			got[code]++
			if code == http.StatusTooManyRequests && ra == "" {
				t.Fatal("429 without Retry-After")
			}
		}
		if got[401] != 6 || got[429] != 14 {
			t.Fatalf("20 guesses over two processes: %v, want 6 × 401 (the limit, summed) then 429", got)
		}
		for _, u := range urls {
			if code, _ := status(u, "sk_valid"); code != http.StatusTooManyRequests {
				t.Fatalf("valid key from the blocked address: %d, want 429", code)
			}
		}
	})
}
