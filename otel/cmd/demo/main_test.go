package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr/examples/fax"
)

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

const (
	traceID     = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceparent = "00-" + traceID + "-00f067aa0ba902b7-01"
)

// startDemo runs the demo with args on a free port until the test ends and
// returns its base URL, its stdout and stderr, and a stop func that waits
// for it to return.
func startDemo(t *testing.T, args ...string) (base string, stdout, stderr *lockedBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = new(lockedBuffer), new(lockedBuffer)
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), stdout, stderr) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not stop within 30s")
		}
	}
	t.Cleanup(stop)
	re := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout, stderr, stop
		}
		select {
		case err := <-done:
			t.Fatalf("demo exited: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner: %s", stdout.String())
		}
	}
}

func get(t *testing.T, url, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Traceparent", traceparent)
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

// TestTraceparentInErrorLog: with telemetry off (the default), a request
// carrying a traceparent gets its error logged with that trace ID, and the
// error body keeps the seed's exact shape.
func TestTraceparentInErrorLog(t *testing.T) {
	base, _, stderr, _ := startDemo(t)
	status, body := get(t, base+"/account/balance", "")
	if status != 401 || strings.Contains(body, "trace_id") {
		t.Fatalf("%d %s", status, body)
	}
	var line string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, "code=api_key_missing") {
			line = l
		}
	}
	if !strings.Contains(line, "trace_id="+traceID) {
		t.Errorf("error log line lacks trace_id=%s: %q\nstderr: %s", traceID, line, stderr.String())
	}
}

// TestStdoutExport: --otel stdout prints the server span with the error's
// attributes and, at shutdown, the error counter; --trace-id-in-body puts
// the trace ID in every error body.
func TestStdoutExport(t *testing.T) {
	base, stdout, _, stop := startDemo(t, "--otel", "stdout", "--trace-id-in-body")
	status, body := get(t, base+"/fax/fax_does_not_exist", fax.DemoSandboxKey)
	if status != 404 {
		t.Fatalf("%d %s", status, body)
	}
	if !strings.Contains(body, `"request_id":"`) || !strings.Contains(body, `,"trace_id":"`+traceID+`"}`) {
		t.Errorf("body lacks the trace ID: %s", body)
	}
	// The normalizer's errors (no route) carry it too.
	if status, body := get(t, base+"/nowhere", fax.DemoSandboxKey); status != 404 || !strings.Contains(body, `"trace_id":"`+traceID+`"`) {
		t.Errorf("unknown path: %d %s", status, body)
	}
	stop() // flushes spans and metrics
	out := stdout.String()
	for _, want := range []string{`"TraceID":"` + traceID + `"`, `"Name":"GET /fax/{id}"`, `"Key":"error.type"`, `"Value":"not_found"`,
		`"Key":"http.route"`, `"Value":"/fax/{id}"`, `"apierr.server.errors"`, `"apierr.ratelimit.outcomes"`} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"--otel", "jaeger"}, {"extra"}, {"--nope"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
