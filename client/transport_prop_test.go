package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTransportInvariants drives the Transport through many random fault
// scripts (dropped connections, 5xx with and without Retry-After, body hints,
// 4xx, success) with random methods, retry limits and deadlines, and checks
// what must hold whatever happens.
func TestTransportInvariants(t *testing.T) {
	var (
		mu     sync.Mutex
		script []string
		hits   int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		action := "200"
		if hits < len(script) {
			action = script[hits]
		}
		hits++
		mu.Unlock()
		switch {
		case action == "drop":
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
		case strings.HasPrefix(action, "ra"):
			w.Header().Set("Retry-After", action[2:])
			w.WriteHeader(http.StatusServiceUnavailable)
		case strings.HasPrefix(action, "hint"):
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"success":false,"message":"slow down","error":{"code":"RATE_LIMIT_EXCEEDED","retryAfter":%s}}`, action[4:])
		default:
			var status int
			fmt.Sscan(action, &status)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":"e%d","message":"status %d"}`, status, status)
		}
	}))
	defer srv.Close()
	pool := &http.Transport{}
	defer pool.CloseIdleConnections()
	// The Transport's attempts are counted here, not at the server: net/http
	// itself resends a replayable request once when a reused connection
	// dies before any response byte, so the server may see more.
	var sent int
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent++
		return pool.RoundTrip(r)
	})

	rng := rand.New(rand.NewPCG(1, 2))
	actions := []string{"drop", "500", "502", "503", "504", "429", "408", "ra0", "ra3", "ra120", "hint1", "hint90", "400", "404", "422", "200", "201"}
	for i := range 300 {
		n := rng.IntN(7)
		s := make([]string, n)
		for k := range s {
			s[k] = actions[rng.IntN(len(actions))]
		}
		method := []string{"GET", "PUT", "DELETE", "POST", "POST+key", "PATCH"}[rng.IntN(6)]
		maxRetries := rng.IntN(6) - 1
		deadline := time.Duration(0)
		if rng.IntN(2) == 0 {
			deadline = time.Duration(rng.IntN(200)+1) * time.Second
		}
		maxRA := time.Duration(rng.IntN(120)+1) * time.Second
		name := fmt.Sprintf("%d %s retries=%d deadline=%v maxRA=%v %v", i, method, maxRetries, deadline, maxRA, s)

		mu.Lock()
		script, hits = s, 0
		mu.Unlock()
		sent = 0
		clock := newFakeClock()
		start := clock.Now()
		tr := &Transport{Base: base, MaxRetries: maxRetries, MaxRetryAfter: maxRA,
			Budget: NewBudget(1e6, 1), Now: clock.Now, Sleep: clock.Sleep}
		ctx := context.Background()
		if deadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, start.Add(deadline+time.Hour)) // never reached in real time…
			defer cancel()
			// …the Transport measures against its clock: shift its notion of "now".
			late := start.Add(time.Hour)
			clock.now = late
			start = late
		}
		m, key := method, ""
		if m == "POST+key" {
			m, key = "POST", "k-1"
		}
		req, _ := http.NewRequestWithContext(ctx, m, srv.URL, strings.NewReader("payload"))
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := tr.RoundTrip(req)

		mu.Lock()
		seen := hits
		mu.Unlock()
		got := sent
		if (resp == nil) == (err == nil) {
			t.Fatalf("%s: resp=%v err=%v: exactly one must be set", name, resp, err)
		}
		limit := max(maxRetries, 0) + 1
		if maxRetries == 0 {
			limit = DefaultMaxRetries + 1
		}
		if seen < got || seen > 2*got {
			t.Errorf("%s: server saw %d requests for %d attempts", name, seen, got)
		}
		if got > limit {
			t.Errorf("%s: %d attempts, limit %d", name, got, limit)
		}
		if (method == "POST" || method == "PATCH") && (got != 1 || seen != 1) {
			t.Errorf("%s: a request without a key was sent %d times (server saw %d)", name, got, seen)
		}
		var total time.Duration
		for _, w := range clock.Waits() {
			total += w
			if w < 0 || w > max(maxRA, DefaultMaxWait) {
				t.Errorf("%s: wait %v out of bounds", name, w)
			}
		}
		if deadline > 0 && total > deadline {
			t.Errorf("%s: slept %v past a deadline of %v", name, total, deadline)
		}
		if err != nil {
			var re *RetryError
			if !errors.As(err, &re) || re.Attempts != got {
				t.Errorf("%s: err %v, attempts want %d", name, err, got)
			}
			continue
		}
		if Attempts(resp) != got {
			t.Errorf("%s: Attempts(resp)=%d, sent %d", name, Attempts(resp), got)
		}
		// The response handed back is the last one, body intact.
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 400 && resp.StatusCode != 503 && resp.StatusCode != 429 &&
			!strings.Contains(string(body), fmt.Sprintf("status %d", resp.StatusCode)) {
			t.Errorf("%s: last body %q for status %d", name, body, resp.StatusCode)
		}
	}
}
