package fax

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// downStore is a rate-limit store whose backend is gone.
type downStore struct{}

func (downStore) Allow(context.Context, string, int64, []ratelimit.Policy, []ratelimit.Status) (bool, error) {
	return false, errors.New("redisstore: dial tcp 127.0.0.1:6379: connect: connection refused")
}

type jsonLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *jsonLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *jsonLogs) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// A flood of 429s while the limiter's store is down: every record, the
// store failures' included, goes to Config.Logger (the demo's --quiet
// discards that logger, so it silences them all), and a few lines each
// window stand for thousands of requests.
func TestFloodDuringStoreOutageWritesFewLinesToTheConfiguredLogger(t *testing.T) {
	var logs jsonLogs
	e := newEnv(t, Config{RateLimitStore: downStore{}, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	const n = 400
	codes := map[int]int{}
	for i := range n {
		codes[e.do("GET", "/account/balance", DemoSandboxKey, nil, nil).Status]++
		if i%100 == 99 {
			e.clock.Add(5 * time.Second) // 20 s of clock: four windows' halves
		}
	}
	e.clock.Add(10 * time.Second)
	codes[e.do("GET", "/account/balance", DemoSandboxKey, nil, nil).Status]++ // writes the last window's counts

	// FailLocal: the in-process limiter (burst 20, 10/s) still limits.
	if codes[429] < n/2 {
		t.Fatalf("answers %v: the local fallback did not limit", codes)
	}
	var failures, failureCounts, responses, responseCounts int
	var failed, limited int64
	for _, r := range logs.records(t) {
		msg, _ := r["msg"].(string)
		switch {
		case msg == "ratelimit: store failed; deciding in this process":
			failures++
		case strings.HasPrefix(msg, "ratelimit: store failed ") && r["failures"] != nil:
			failureCounts++
			failed += int64(r["failures"].(float64))
		case msg == "apierr: error response" && r["status"] == float64(429):
			responses++
		case r["suppressed"] != nil && r["status"] == float64(429):
			responseCounts++
			limited += int64(r["suppressed"].(float64))
		}
	}
	t.Logf("%d requests (%v), 20 s of clock: %d store-failure records + %d counts (%d failures), %d 429 records + %d counts",
		n+1, codes, failures, failureCounts, failed, responses, responseCounts)
	if failures == 0 {
		t.Fatal("no store-failure record in Config.Logger: the limiters log elsewhere")
	}
	// Three windows (the clock starts mid-window), two limiters on the
	// store (the rate limit and the auth throttle): at most one record and
	// one count each per window.
	if failures > 3*2 || failureCounts > 3*2 {
		t.Errorf("%d store-failure records and %d counts, want at most 6 each", failures, failureCounts)
	}
	if responses > 3*middleware.DefaultSamplingFirst || responseCounts > 3 {
		t.Errorf("%d 429 records and %d counts, want at most %d and 3", responses, responseCounts, 3*middleware.DefaultSamplingFirst)
	}
	if got := int64(responses) + limited; got != int64(codes[429]) {
		t.Errorf("429 records + counts = %d, want all %d", got, codes[429])
	}
	if got := int64(failures) + failed; got < n+1 {
		t.Errorf("store-failure records + counts = %d, want at least one per request (%d)", got, n+1)
	}
}
