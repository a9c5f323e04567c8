package client_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/client"
	"github.com/apierr/apierr/examples/fax"
)

// scaledClock runs k times faster than the wall clock, so a test can live
// through the minutes a rate limit takes in seconds. The server's limiter
// and the client's Pacer share it (time is a seam on both sides); requests
// still travel over real HTTP on loopback.
type scaledClock struct {
	start time.Time
	base  time.Time
	k     float64
}

func newScaledClock(k float64) *scaledClock {
	return &scaledClock{start: time.Now(), base: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC), k: k}
}

func (c *scaledClock) Now() time.Time {
	return c.base.Add(time.Duration(float64(time.Since(c.start)) * c.k))
}

func (c *scaledClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(time.Duration(float64(d) / c.k))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// paceScale is how much faster than real time the pacing tests run: 10 by
// default (about 10 s), 4 under the race detector (about 30 s),
// APIERR_PACE_SCALE=1 for the real-time figures in BENCHMARKS.md. The scale
// multiplies scheduling delays too: at 25 a machine loaded to 12 runnable
// threads per core stalls goroutines for long enough to bunch requests past
// the server's slack.
func paceScale(t *testing.T) float64 {
	t.Helper()
	if v := os.Getenv("APIERR_PACE_SCALE"); v != "" {
		k, err := strconv.ParseFloat(v, 64)
		if err != nil || k <= 0 {
			t.Fatalf("APIERR_PACE_SCALE=%q: want a positive number", v)
		}
		return k
	}
	if raceEnabled {
		return 4
	}
	return 10
}

// paceRun is the outcome of one load run against the demo.
type paceRun struct {
	responses, tooMany int64
	elapsed            time.Duration // on the demo's clock
	failed             int64         // requests that did not end in a 200
}

// runDemoLoad sends total requests on the demo's sandbox key from workers
// goroutines through tr, against the demo's handler (10/s, burst 20 per
// key, its defaults) served over loopback, both on clk.
func runDemoLoad(t *testing.T, clk *scaledClock, workers, total int, tr *client.Transport) paceRun {
	t.Helper()
	demo, err := fax.NewDemo(fax.Config{Now: clk.Now, RatePerSecond: 10, Burst: 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var run paceRun
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		demo.ServeHTTP(rec, r)
		atomic.AddInt64(&run.responses, 1)
		if rec.status == http.StatusTooManyRequests {
			atomic.AddInt64(&run.tooMany, 1)
		}
	}))
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: workers}
	defer base.CloseIdleConnections()
	tr.Base, tr.Now, tr.Sleep = base, clk.Now, clk.Sleep
	c := client.New(tr)

	var next atomic.Int64
	var wg sync.WaitGroup
	start := clk.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/account/balance", nil)
				req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
				resp, err := c.Do(req)
				if err != nil {
					atomic.AddInt64(&run.failed, 1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					atomic.AddInt64(&run.failed, 1)
				}
			}
		}()
	}
	wg.Wait()
	run.elapsed = clk.Now().Sub(start)
	return run
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// TestPacerAgainstDemo: 64 goroutines send 1,000 requests in all on one API
// key of the demo (10/s, burst 20) through one Transport with a Pacer.
// Fewer than 1 % of the responses are 429s, and the run does not finish
// faster than the limit allows (burst 20, then 980 at 10/s: 98 s on the
// demo's clock), which it could only do by being refused. The ratio of the
// time taken to those 98 s is logged (BENCHMARKS.md has the real-time
// figures).
func TestPacerAgainstDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the pacing run takes a few seconds")
	}
	const workers, total = 64, 1000
	allowed := time.Duration(total-20) * time.Second / 10
	clk := newScaledClock(paceScale(t))
	run := runDemoLoad(t, clk, workers, total, &client.Transport{Pacer: client.NewPacer(client.PaceConfig{})})
	share := float64(run.tooMany) / float64(run.responses)
	t.Logf("paced: %d responses, %d × 429 (%.2f %%), %d failed, %v on the demo's clock = %.3f × the %v the limit allows (clock ×%g)",
		run.responses, run.tooMany, 100*share, run.failed, run.elapsed.Round(time.Millisecond),
		float64(run.elapsed)/float64(allowed), allowed, clk.k)
	if share >= 0.01 {
		t.Errorf("429 share %.2f %%, want < 1 %%", 100*share)
	}
	if run.failed > 0 {
		t.Errorf("%d requests did not end in a 200", run.failed)
	}
	if run.elapsed < allowed-allowed/100 {
		t.Errorf("finished in %v, faster than the %v the limit allows", run.elapsed, allowed)
	}
}

// TestUnpacedAgainstDemo is the same load without a Pacer, for comparison
// (APIERR_PACE_COMPARE=1): the figures only, nothing asserted.
func TestUnpacedAgainstDemo(t *testing.T) {
	if os.Getenv("APIERR_PACE_COMPARE") != "1" {
		t.Skip("set APIERR_PACE_COMPARE=1 to run the unpaced comparison")
	}
	const workers, total = 64, 1000
	allowed := time.Duration(total-20) * time.Second / 10
	clk := newScaledClock(paceScale(t))
	run := runDemoLoad(t, clk, workers, total, &client.Transport{})
	t.Logf("unpaced: %d responses, %d × 429 (%.2f %%), %d failed, %v = %.3f × %v (clock ×%g)",
		run.responses, run.tooMany, 100*float64(run.tooMany)/float64(run.responses), run.failed,
		run.elapsed.Round(time.Millisecond), float64(run.elapsed)/float64(allowed), allowed, clk.k)
}
