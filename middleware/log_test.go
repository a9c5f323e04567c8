package middleware_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock { c := new(fakeClock); c.ns.Store(t.UnixNano()); return c }
func (c *fakeClock) now() time.Time       { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) add(d time.Duration)  { c.ns.Add(int64(d)) }

// manualTimers is a Sampling.AfterFunc whose timers the test fires.
type manualTimers struct {
	mu    sync.Mutex
	fires []func()
}

func (m *manualTimers) afterFunc(_ time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fires = append(m.fires, f)
	return func() bool { return true }
}

func (m *manualTimers) fireAll() {
	m.mu.Lock()
	fs := m.fires
	m.fires = nil
	m.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

var windowStart = time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) // a multiple of 10s

func errorWith(status int, code apierr.Condition) http.Handler {
	return apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(code)
	})
}

func TestClientErrorLevels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []middleware.Option
		cond   apierr.Condition
		status int
		want   string // "" for no record
	}{
		{"default: a 404 at info", nil, apierr.CondNotFound, 404, "INFO"},
		{"default: a 429 at info", nil, apierr.CondRateLimited, 429, "INFO"},
		{"default: a 500 at error", nil, apierr.CondInternal, 500, "ERROR"},
		{"client errors at warn", []middleware.Option{middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelWarn, slog.LevelDebug))}, apierr.CondNotFound, 404, "WARN"},
		{"429 at debug apart", []middleware.Option{middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelWarn, slog.LevelDebug))}, apierr.CondRateLimited, 429, "DEBUG"},
		{"429 off", []middleware.Option{middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelInfo, middleware.LevelOff))}, apierr.CondRateLimited, 429, ""},
		{"4xx off leaves 5xx at error", []middleware.Option{middleware.WithLevels(func(int, string) slog.Level { return middleware.LevelOff })}, apierr.CondUnavailable, 503, "ERROR"},
		{"a level the logger does not enable", []middleware.Option{middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelDebug-4, slog.LevelInfo))}, apierr.CondNotFound, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			h := middleware.Stack(nil, append([]middleware.Option{middleware.WithLogger(logger)}, tc.opts...)...)(errorWith(tc.status, tc.cond))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			recs := logs.records(t)
			if tc.want == "" {
				if len(recs) != 0 {
					t.Fatalf("want no record, got %s", logs.String())
				}
				return
			}
			if len(recs) != 1 || recs[0]["level"] != tc.want || recs[0]["status"] != float64(tc.status) {
				t.Fatalf("want one %s record of the %d, got %s", tc.want, tc.status, logs.String())
			}
		})
	}
}

// sampledStack is a Stack logging JSON into logs on a fake clock, with
// timers the test fires.
func sampledStack(t *testing.T, clock *fakeClock, timers *manualTimers, opts ...middleware.Option) (func(http.Handler) http.Handler, *logBuf) {
	t.Helper()
	logger, logs := newLogger()
	return middleware.Stack(nil, append([]middleware.Option{middleware.WithLogger(logger), middleware.WithClock(clock.now),
		middleware.WithSampling(middleware.Sampling{AfterFunc: timers.afterFunc})}, opts...)...), logs
}

// countLines splits the records into full records per code and summaries,
// and adds up what the summaries suppressed per code.
func countLines(t *testing.T, logs *logBuf) (full, summaries map[string]int, suppressed map[string]int64) {
	t.Helper()
	full, summaries, suppressed = map[string]int{}, map[string]int{}, map[string]int64{}
	for _, r := range logs.records(t) {
		code, _ := r["code"].(string)
		if n, ok := r["suppressed"].(float64); ok {
			summaries[code]++
			suppressed[code] += int64(n)
			continue
		}
		full[code]++
	}
	return full, summaries, suppressed
}

func TestSamplingFirstFiveThenOneSummaryPerCode(t *testing.T) {
	clock := newFakeClock(windowStart)
	timers := &manualTimers{}
	stack, logs := sampledStack(t, clock, timers)
	limited := stack(errorWith(429, apierr.CondRateLimited))
	missing := stack(errorWith(404, apierr.CondNotFound))
	for range 1000 {
		limited.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/fax/1", nil))
	}
	for range 7 {
		missing.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/fax/2", nil))
	}
	full, sums, _ := countLines(t, logs)
	if full["rate_limited"] != 5 || full["not_found"] != 5 || len(sums) != 0 {
		t.Fatalf("within the window: full %v, summaries %v; want 5 of each code, no summary yet\n%s", full, sums, logs.String())
	}
	timers.fireAll() // the window ends with no response after it
	recs := logs.records(t)
	byCode := map[string]map[string]any{}
	for _, r := range recs[10:] {
		byCode[r["code"].(string)] = r
	}
	r := byCode["rate_limited"]
	if len(recs) != 12 || r == nil {
		t.Fatalf("after the window: %d records, want 12 (5 + 5 full, 2 summaries)\n%s", len(recs), logs.String())
	}
	if r["msg"] != "apierr: 995 more 429 rate_limited responses in the last 10s" || r["suppressed"] != float64(995) ||
		r["status"] != float64(429) || r["level"] != "INFO" || r["interval"] == nil || r["since"] != windowStart.Format(time.RFC3339) {
		t.Errorf("429 summary %v", r)
	}
	if n := byCode["not_found"]; n == nil || n["suppressed"] != float64(2) || n["route"] != "" && n["route"] != nil {
		t.Errorf("404 summary %v", n)
	}

	// The next window logs the first five in full again; the response after
	// it writes that window's summary first.
	clock.add(10 * time.Second)
	for range 3000 {
		limited.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/fax/1", nil))
	}
	clock.add(10 * time.Second)
	limited.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/fax/1", nil))
	recs = logs.records(t)
	if len(recs) != 12+5+1+1 {
		t.Fatalf("%d records after two more windows, want 19\n%s", len(recs), logs.String())
	}
	if s := recs[17]; s["suppressed"] != float64(2995) || s["msg"] != "apierr: 2,995 more 429 rate_limited responses in the last 10s" {
		t.Errorf("second window's summary, written before the third window's first record: %v", s)
	}
}

func TestSamplingOff(t *testing.T) {
	logger, logs := newLogger()
	h := middleware.Stack(nil, middleware.WithLogger(logger), middleware.WithSampling(middleware.Sampling{First: -1}))(errorWith(429, apierr.CondRateLimited))
	for range 50 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	if n := len(logs.records(t)); n != 50 {
		t.Fatalf("%d records of 50 responses with sampling off", n)
	}
}

// The goal end to end: a flood of 429s from a real rate limiter over real
// HTTP writes a handful of lines per window. The clock is the test's: each
// request moves it 10ms, so 4,000 requests span 40 s of traffic.
func TestFloodOf429sOverHTTPWritesFewLines(t *testing.T) {
	clock := newFakeClock(windowStart)
	timers := &manualTimers{}
	stack, logs := sampledStack(t, clock, timers)
	limiter := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerHour(1)},
		Store:    ratelimit.NewMemory(ratelimit.MemoryConfig{Now: clock.now}),
		Key:      func(*http.Request) string { return "one-client" },
	})
	srv := serve(t, stack(limiter.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))))
	const n = 4000
	const step = 10 * time.Millisecond
	codes := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 4 {
		wg.Go(func() {
			for next.Add(1) <= n {
				res, err := http.Get(srv.URL + "/fax")
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				mu.Lock()
				codes[res.StatusCode]++
				mu.Unlock()
				clock.add(step)
			}
		})
	}
	wg.Wait()
	timers.fireAll()
	if codes[200] != 1 || codes[429] != n-1 {
		t.Fatalf("answers %v, want one 200 and %d 429s", codes, n-1)
	}
	full, sums, suppressed := countLines(t, logs)
	windows := int(time.Duration(n)*step/(10*time.Second)) + 1 // 40 s of clock from a window's start: 4 windows, perhaps a fifth begun
	lines := full["rate_limited"] + sums["rate_limited"]
	t.Logf("%d 429s over HTTP, %d s of clock: %d log lines (%d full, %d summaries)", n-1, int(time.Duration(n)*step/time.Second), lines, full["rate_limited"], sums["rate_limited"])
	if lines > windows*6 || full["rate_limited"] > windows*5 {
		t.Fatalf("%d lines (%d full), want at most 5 full and 1 summary in each of %d windows\n%s", lines, full["rate_limited"], windows, logs.String())
	}
	if got := int64(full["rate_limited"]) + suppressed["rate_limited"]; got != n-1 {
		t.Fatalf("full records + suppressed counts = %d, want every one of the %d 429s accounted for", got, n-1)
	}
}

// The suppressed path adds no allocation: a sampled-out 429 costs what a 429
// whose record is off costs.
func TestSuppressedRecordDoesNotAllocate(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(&strings.Builder{}, nil))
	sampled := middleware.Stack(nil, middleware.WithLogger(logger), middleware.WithRequestIDFunc(func() string { return "req" }))(errorWith(429, apierr.CondRateLimited))
	off := middleware.Stack(nil, middleware.WithLogger(logger), middleware.WithRequestIDFunc(func() string { return "req" }),
		middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelInfo, middleware.LevelOff)))(errorWith(429, apierr.CondRateLimited))
	req := httptest.NewRequest("GET", "/fax", nil)
	run := func(h http.Handler) func() {
		return func() { h.ServeHTTP(httptest.NewRecorder(), req) }
	}
	for range 10 {
		run(sampled)() // past the window's first five, and its timer armed
	}
	a, b := testing.AllocsPerRun(200, run(sampled)), testing.AllocsPerRun(200, run(off))
	if a != b {
		t.Fatalf("a suppressed 429 allocates %v times, one with its record off %v", a, b)
	}
}

// With the real timer (in a synctest bubble: a fake clock, and a check
// that nothing is left running), a flood's summary is written at its
// window's end with no response after it, and no goroutine remains.
func TestSamplingTimerLeavesNothingRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := runtime.NumGoroutine()
		logger, logs := newLogger()
		h := middleware.Stack(nil, middleware.WithLogger(logger))(errorWith(429, apierr.CondRateLimited))
		for range 500 {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		}
		time.Sleep(middleware.DefaultSamplingInterval) // the bubble's clock jumps
		synctest.Wait()
		_, sums, suppressed := countLines(t, logs)
		if sums["rate_limited"] != 1 || suppressed["rate_limited"] != 495 {
			t.Fatalf("summaries %v suppressing %v, want one of 495", sums, suppressed)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if _, sums, _ := countLines(t, logs); sums["rate_limited"] != 1 {
			t.Fatalf("an idle stack wrote more summaries: %v", sums)
		}
		// Nothing of the sampler is left in the bubble. (runtime.NumGoroutine
		// counts the whole process, where a finalizer or an earlier test's
		// real timer may run at any moment; a goroutine's stack header says
		// whether it is this bubble's.)
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "synctest bubble") && strings.Contains(g, "(*Sampler[") {
				t.Fatalf("a goroutine of the sampler is still there (%d goroutines in the process, %d before):\n%s", runtime.NumGoroutine(), before, g)
			}
		}
	})
}

func BenchmarkLog429(b *testing.B) {
	var sink strings.Builder
	logger := slog.New(slog.NewJSONHandler(&sink, nil))
	for _, bc := range []struct {
		name string
		opts []middleware.Option
	}{
		{"record off", []middleware.Option{middleware.WithLevels(middleware.ClientErrorLevels(slog.LevelInfo, middleware.LevelOff))}},
		{"sampled out", nil},
		{"every record", []middleware.Option{middleware.WithSampling(middleware.Sampling{First: -1})}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := middleware.Stack(nil, append([]middleware.Option{middleware.WithLogger(logger)}, bc.opts...)...)(errorWith(429, apierr.CondRateLimited))
			req := httptest.NewRequest("GET", "/fax", nil)
			b.ReportAllocs()
			for b.Loop() {
				sink.Reset()
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// The default clock measures the latency from the monotonic clock alone:
// the record's latency covers the handler's time (5 ms asleep here), and a
// WithClock clock still measures it (TestClientErrorLevels and the others).
func TestLatencyWithTheDefaultClock(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	l := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	mux := http.NewServeMux()
	mux.Handle("GET /slow", apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		time.Sleep(5 * time.Millisecond)
		return apierr.Cond(apierr.CondNotFound)
	}))
	h := middleware.Stack(nil, middleware.WithLogger(l))(mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
	mu.Lock()
	line := buf.String()
	mu.Unlock()
	var rec struct {
		Latency time.Duration `json:"latency"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("%v: %q", err, line)
	}
	if rec.Latency < 5*time.Millisecond || rec.Latency > time.Minute {
		t.Errorf("latency %v, want the 5 ms the handler slept or a little more: %s", rec.Latency, line)
	}
}

type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
