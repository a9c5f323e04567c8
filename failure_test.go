package apierr

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
)

type failureLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *failureLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *failureLogs) records(t *testing.T) []map[string]any {
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

// A store that fails on every request writes one record per interval, then
// one that counts the rest, whatever the traffic.
func TestFailurePolicyLogsOncePerInterval(t *testing.T) {
	var logs failureLogs
	now := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	var fire []func()
	var calls int
	p := FailurePolicy{
		Logger:  slog.New(slog.NewJSONHandler(&logs, nil)),
		OnError: func(context.Context, error) { calls++ },
		Now:     func() time.Time { return now },
		AfterFunc: func(_ time.Duration, f func()) func() bool {
			fire = append(fire, f)
			return func() bool { return true }
		},
	}.Resolve(FailOpen, time.Second)
	refused := errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	for i := range 5000 {
		err := refused
		if i == 4999 {
			err = errors.New("redis: i/o timeout")
		}
		if e := p.Fail(context.Background(), "ratelimit", err, slog.String("limiter", "rate")); e != nil {
			t.Fatalf("FailOpen refused: %v", e)
		}
		now = now.Add(time.Millisecond) // 5 s of an outage
	}
	if calls != 5000 {
		t.Fatalf("OnError heard %d of 5000 failures", calls)
	}
	recs := logs.records(t)
	if len(recs) != 1 || recs[0]["msg"] != "ratelimit: store failed; request let through unprotected" ||
		recs[0]["level"] != "ERROR" || recs[0]["limiter"] != "rate" || recs[0]["error"] != refused.Error() {
		t.Fatalf("within the interval: %v, want the first failure's record alone", recs)
	}
	if len(fire) != 1 {
		t.Fatalf("%d timers armed, want one for the interval's end", len(fire))
	}
	fire[0]() // the interval ends with the store still down and no traffic
	recs = logs.records(t)
	if len(recs) != 2 {
		t.Fatalf("after the interval: %d records, want the count too", len(recs))
	}
	sum := recs[1]
	if sum["msg"] != "ratelimit: store failed 4,999 more times in the last 10s; each request let through unprotected" ||
		sum["failures"] != float64(4999) || sum["level"] != "ERROR" || sum["layer"] != "ratelimit" ||
		sum["policy"] != "fail_open" || sum["error"] != "redis: i/o timeout" || sum["interval"] == nil {
		t.Fatalf("the interval's record: %v", sum)
	}

	// The next interval: its first failure in full again.
	now = now.Add(10 * time.Second)
	p.Fail(context.Background(), "ratelimit", refused)
	if recs = logs.records(t); len(recs) != 3 || recs[2]["msg"] != "ratelimit: store failed; request let through unprotected" {
		t.Fatalf("next interval: %v", recs[2:])
	}
}

func TestFailurePolicyCountIsWrittenByTheNextFailure(t *testing.T) {
	var logs failureLogs
	now := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	p := FailurePolicy{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Now: func() time.Time { return now },
		AfterFunc: func(time.Duration, func()) func() bool { return func() bool { return true } }}.Resolve(FailClosed, time.Second)
	for range 3 {
		if e := p.Fail(context.Background(), "idempotency", errors.New("down")); e == nil || e.Condition != CondUnavailable {
			t.Fatalf("FailClosed: %v", e)
		}
	}
	now = now.Add(10 * time.Second)
	p.Fail(context.Background(), "idempotency", errors.New("down"))
	recs := logs.records(t)
	if len(recs) != 3 || recs[1]["msg"] != "idempotency: store failed 2 more times in the last 10s; each request refused" || recs[1]["level"] != "WARN" {
		t.Fatalf("records %v", recs)
	}
}

func TestFailurePolicyEveryFailure(t *testing.T) {
	var logs failureLogs
	p := FailurePolicy{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), LogInterval: -1}.Resolve(FailLocal, time.Second)
	for range 20 {
		p.Fail(context.Background(), "ratelimit", errors.New("down"))
	}
	if n := len(logs.records(t)); n != 20 {
		t.Fatalf("%d records of 20 failures with LogInterval < 0", n)
	}
}

func TestFailurePolicySampledFailureDoesNotAllocate(t *testing.T) {
	p := FailurePolicy{Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))}.Resolve(FailLocal, time.Second)
	err := errors.New("down")
	ctx := context.Background()
	p.Fail(ctx, "ratelimit", err)
	p.Fail(ctx, "ratelimit", err) // arms the interval's timer
	if n := testing.AllocsPerRun(1000, func() { p.Fail(ctx, "ratelimit", err, slog.String("limiter", "rate")) }); n != 0 {
		t.Fatalf("a failure left out of the log allocates %v times", n)
	}
	p.sampler.Flush()
}

// BenchmarkFailurePolicyFail is a limiter's store failure on the request
// path (FailLocal): logged in full each time, or left out and counted.
func BenchmarkFailurePolicyFail(b *testing.B) {
	var sink bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&sink, nil))
	err := errors.New("redisstore: dial tcp 127.0.0.1:6379: connect: connection refused")
	for _, bc := range []struct {
		name     string
		interval time.Duration
	}{{"every failure", -1}, {"counted", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			p := FailurePolicy{Logger: logger, LogInterval: bc.interval}.Resolve(FailLocal, time.Second)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				sink.Reset()
				p.Fail(ctx, "ratelimit", err, slog.String("limiter", "rate"))
			}
			b.StopTimer()
			if p.sampler != nil {
				p.sampler.Flush()
			}
		})
	}
}
