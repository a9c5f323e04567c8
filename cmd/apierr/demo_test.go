package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/internal/redistest"
)

// lockedBuffer is written by the demo's goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &stdout, &stderr)
	}()

	// The banner names the address; it is printed once the server is serving.
	addrRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	deadline := time.Now().Add(30 * time.Second)
	for base == "" {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("demo exited early: %v\nstderr: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner after 30s; stdout: %s", stdout.String())
		}
	}
	banner := stdout.String()
	for _, want := range []string{fax.DemoSandboxKey, fax.DemoLiveKey, "Idempotency-Key", "/docs/errors/insufficient-balance",
		"api_key_missing", "unauthenticated", "api_key_invalid", "workspace_inactive", "validation_failed",
		"insufficient_balance", "not_found", "forbidden", "fax_data_purged", "fax_not_terminal",
		"internal_server_error", "rate_limit_exceeded"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q", want)
		}
	}

	get := func(path, key string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/account/balance", fax.DemoSandboxKey); code != 200 || !strings.Contains(body, `"available":1000`) {
		t.Errorf("balance: %d %s", code, body)
	}
	// Error bodies link to the demo's own docs, and the link resolves.
	code, body := get("/fax/nope", fax.DemoSandboxKey)
	if code != 404 || !strings.Contains(body, `"docs":"`+base+`/docs/errors/not-found"`) {
		t.Errorf("not found: %d %s", code, body)
	}
	if code, body := get("/docs/errors/not-found", ""); code != 200 || !strings.Contains(body, "not_found") {
		t.Errorf("docs page: %d", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30s of cancellation")
	}
}

func TestDemoUsage(t *testing.T) {
	for _, args := range [][]string{{"demo", "extra"}, {"demo", "--burst", "0"}, {"demo", "--nope"}, {"demo", "--tick", "0s"},
		{"demo", "--log-4xx", "loud"}, {"demo", "--log-429", "sometimes"}} {
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		if exitCode(err, io.Discard) != 2 {
			t.Errorf("%v: exit %d, want 2", args, exitCode(err, io.Discard))
		}
	}
	var out lockedBuffer
	if err := run(context.Background(), []string{"demo", "--addr", "256.0.0.1:1"}, nil, &out, io.Discard); exitCode(err, io.Discard) != 1 {
		t.Errorf("unusable address: %v", err)
	}
}

// startDemo runs the demo with args and returns its base URL; the demo stops
// when the test ends.
func startDemo(t *testing.T, args ...string) string {
	t.Helper()
	base, _ := startDemoLogs(t, args...)
	return base
}

// startDemoLogs is startDemo that also returns the demo's stderr, its log.
func startDemoLogs(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	base, stderr, _ := startDemoStop(t, args...)
	return base, stderr
}

// startDemoStop is startDemoLogs with a stop function: it ends the demo as
// Ctrl-C does and waits for it to return (the test's cleanup does the same
// if stop was not called).
func startDemoStop(t *testing.T, args ...string) (string, *lockedBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	stderr := new(lockedBuffer)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"demo", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), &stdout, stderr)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("demo returned %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("demo did not stop")
			}
		})
	}
	t.Cleanup(stop)
	addrRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stderr, stop
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("demo exited early: %v\nstderr: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no banner after 30s")
	return "", nil, nil
}

// --log-4xx and --log-429 set the levels of client errors' records;
// --quiet writes none at all.
func TestDemoLogLevels(t *testing.T) {
	flood := func(base string) {
		for i := range 30 {
			path := "/account/balance"
			if i%10 == 0 {
				path = "/fax/fax_does_not_exist" // a 404, when the limit lets it through
			}
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	base, logs := startDemoLogs(t, "--rate", "1", "--burst", "2", "--log-4xx", "off", "--log-429", "warn")
	flood(base)
	out := logs.String()
	n429 := strings.Count(out, "status=429")
	if strings.Contains(out, "status=404") || n429 == 0 || n429 > 2*5 || strings.Count(out, "level=WARN") != n429 {
		t.Errorf("--log-4xx off --log-429 warn: want a few WARN 429 records (first 5 a window) and no 404's:\n%s", out)
	}
	base, logs = startDemoLogs(t, "--rate", "1", "--burst", "2", "--quiet")
	flood(base)
	if out := logs.String(); out != "" {
		t.Errorf("--quiet wrote:\n%s", out)
	}
}

// The demo's own transmitter and retention, on the real clock: a fax is
// delivered, then its document purged.
func TestDemoTransmitter(t *testing.T) {
	base := startDemo(t, "--tick", "10ms", "--retention", "50ms")
	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := do("POST", "/fax", `{"to":"+14155550123","file":"`+base64.StdEncoding.EncodeToString(fax.DemoPDF())+`"}`)
	if code != 201 {
		t.Fatalf("POST /fax: %d %s", code, body)
	}
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1]
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := do("GET", "/fax/"+id, "")
		if strings.Contains(body, `"data_purged":true`) {
			if !strings.Contains(body, `"status":"delivered"`) {
				t.Fatalf("purged but not delivered: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered and purged after 30s: %s", body)
		}
		time.Sleep(20 * time.Millisecond) // polling a real server, not waiting for a clock
	}
	if code, body := do("GET", "/fax/"+id+"/image", ""); code != 422 || !strings.Contains(body, "fax_data_purged") {
		t.Fatalf("image after purge: %d %s", code, body)
	}
}

// TestDemoRedis runs the demo on a single node and on a Redis Cluster, each
// named by its URL (the cluster in go-redis's redis://h1:p1?addr=h2:p2 form).
func TestDemoRedis(t *testing.T) {
	t.Run("single", func(t *testing.T) { testDemoRedis(t, redistest.New(t)) })
	t.Run("cluster", func(t *testing.T) { testDemoRedis(t, redistest.Cluster(t)) })
}

func testDemoRedis(t *testing.T, rd *redistest.Server) {
	base := startDemo(t, "--redis", rd.URL, "--rate", "1", "--burst", "3")
	post := func() *http.Response {
		t.Helper()
		body := `{"to":"+14155550123","file":"` + base64.StdEncoding.EncodeToString(fax.DemoPDF()) + `"}`
		req, _ := http.NewRequest("POST", base+"/fax", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "redis-demo-"+rd.Prefix()) // fresh on a shared server
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(); r.StatusCode != 201 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d", r.StatusCode)
	}
	if r := post(); r.StatusCode != 201 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d replayed=%q", r.StatusCode, r.Header.Get("Idempotent-Replayed"))
	}
	// The burst of 3 is spent (two POSTs, this GET); the limiter's state is
	// in Redis, on Redis's clock.
	req, _ := http.NewRequest("GET", base+"/account/balance", nil)
	req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
	for i := 0; ; i++ {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			break
		}
		if i == 10 {
			t.Fatal("no 429 after 10 requests at burst 3")
		}
	}
	for _, pattern := range []string{"apierr:demo:idem:*", "apierr:demo:rl:*"} {
		if keys := rd.Keys(pattern); len(keys) == 0 {
			t.Errorf("no %s keys in Redis", pattern)
		}
	}
}

func TestDemoRedisUnreachable(t *testing.T) {
	err := run(context.Background(), []string{"demo", "--addr", "127.0.0.1:0", "--redis", "redis://127.0.0.1:1"}, nil, io.Discard, io.Discard)
	if exitCode(err, io.Discard) != 1 {
		t.Fatalf("exit %d, want 1 (%v)", exitCode(err, io.Discard), err)
	}
}

func TestDemoBare(t *testing.T) {
	base := startDemo(t, "--bare")
	req, _ := http.NewRequest("GET", base+"/account/balance", nil)
	req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"available":1000`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

// Two demo servers on one Redis share each key's rate limit: together they
// admit no more than one burst plus the refill over the elapsed time (two
// in-memory servers would admit a burst each).
func TestDemoRedisSharedLimit(t *testing.T) {
	// A Redis of the test's own: the demo's keys have fixed names.
	t.Run("single", func(t *testing.T) { testDemoRedisShared(t, redistest.New(t)) })
	t.Run("cluster", func(t *testing.T) { testDemoRedisShared(t, redistest.NewCluster(t)) })
}

// testDemoRedisShared: two demo servers on one Redis share each key's rate
// limit and its Idempotency-Keys: a POST retried on the other server is a
// replay of the first one's fax, not a second fax.
func testDemoRedisShared(t *testing.T, rd *redistest.Server) {
	a := startDemo(t, "--redis", rd.URL, "--rate", "1", "--burst", "3")
	b := startDemo(t, "--redis", rd.URL, "--rate", "1", "--burst", "3")
	post := func(base string) (*http.Response, string) {
		t.Helper()
		body := `{"to":"+14155550123","file":"` + base64.StdEncoding.EncodeToString(fax.DemoPDF()) + `"}`
		req, _ := http.NewRequest("POST", base+"/fax", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "shared-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			ID string `json:"id"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out.ID
	}
	first, id := post(a)
	if first.StatusCode != 201 || id == "" {
		t.Fatalf("first POST on server a: %d %q", first.StatusCode, id)
	}
	retry, id2 := post(b)
	if retry.StatusCode != 201 || retry.Header.Get("Idempotent-Replayed") != "true" || id2 != id {
		t.Fatalf("the retry on server b: %d replayed=%q id %q, want a replay of %q",
			retry.StatusCode, retry.Header.Get("Idempotent-Replayed"), id2, id)
	}
	start := time.Now()
	admitted := 2 // the two POSTs spent two units of the key's burst
	for i := 0; i < 12; i++ {
		base := a
		if i%2 == 1 {
			base = b
		}
		req, _ := http.NewRequest("GET", base+"/account/balance", nil)
		req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			admitted++
		}
	}
	elapsed := time.Since(start)
	if limit := 3 + int(elapsed/time.Second) + 1; admitted > limit {
		t.Fatalf("two servers admitted %d in %v; a shared limit admits at most %d", admitted, elapsed, limit)
	}
	if admitted < 3 {
		t.Fatalf("admitted %d, want at least the burst of 3", admitted)
	}
}

// The counts of the log records left out in the last interval are written
// when the demo stops (apierr.FlushLogs), not lost with the process.
func TestDemoWritesTheLastCountsWhenItStops(t *testing.T) {
	base, stderr, stop := startDemoStop(t, "--rate", "1", "--burst", "2")
	for range 40 {
		req, _ := http.NewRequest("GET", base+"/account/balance", nil)
		req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	stop()
	if out := stderr.String(); !regexp.MustCompile(`msg="apierr: \d+ more 429 rate_limit_exceeded responses in the last 10s"`).MatchString(out) {
		t.Errorf("no count of the 429s left out when the demo stopped:\n%s", out)
	}
}
