package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/client"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
)

func TestPaceStoreReserve(t *testing.T) {
	srv := redistest.New(t)
	store := redisstore.NewPaceStore(srv.Client(), redisstore.PaceConfig{Prefix: srv.Prefix()})
	ctx := context.Background()
	slot := client.PaceSlot{Interval: 100 * time.Millisecond, Burst: 3}
	for i := range 3 {
		if w, ok, err := store.Reserve(ctx, "k", slot); err != nil || !ok || w != 0 {
			t.Fatalf("reservation %d of the burst: wait %v booked %v err %v, want 0 true nil", i, w, ok, err)
		}
	}
	// The 4th waits one interval, less what Redis's clock moved meanwhile.
	if w, ok, err := store.Reserve(ctx, "k", slot); err != nil || !ok || w <= 0 || w > 100*time.Millisecond {
		t.Errorf("4th: wait %v booked %v err %v, want (0, 100ms]", w, ok, err)
	}
	slot.MaxWait = time.Millisecond
	if w, ok, err := store.Reserve(ctx, "k", slot); err != nil || ok || w <= time.Millisecond {
		t.Errorf("over MaxWait: wait %v booked %v err %v, want > 1ms, not booked", w, ok, err)
	}
	fresh := client.PaceSlot{Burst: 1, NotBefore: 10 * time.Second}
	if w, ok, err := store.Reserve(ctx, "fresh", fresh); err != nil || !ok || w < 9*time.Second || w > 10*time.Second {
		t.Errorf("NotBefore 10s: wait %v booked %v err %v, want about 10s", w, ok, err)
	}
}

// TestPaceStoreSharedByProcesses: two clients, each with its own Transport,
// Pacer and Redis connection (two processes, as far as pacing can tell),
// send 120 requests in all on one key of the demo (20/s, burst 40). Sharing
// their schedules through Redis they stay under the limit together: fewer
// than 1 % 429s. Each with a schedule of its own, both would go at the
// whole rate (the figure is logged).
func TestPaceStoreSharedByProcesses(t *testing.T) {
	srv := redistest.New(t)
	run := func(t *testing.T, shared bool) (responses, tooMany int64) {
		demo, err := fax.NewDemo(fax.Config{RatePerSecond: 20, Burst: 40,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &codeRecorder{ResponseWriter: w}
			demo.ServeHTTP(rec, r)
			atomic.AddInt64(&responses, 1)
			if rec.code == http.StatusTooManyRequests {
				atomic.AddInt64(&tooMany, 1)
			}
		}))
		defer api.Close()
		prefix := srv.Prefix() + t.Name() + ":"
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 2 {
			var store client.PaceStore = &client.MemoryPaceStore{}
			if shared {
				rdb := srv.Client()
				defer rdb.Close()
				store = redisstore.NewPaceStore(rdb, redisstore.PaceConfig{Prefix: prefix, Timeout: rlTestTimeout}) // about sharing, not outages: a loaded machine must not time out
			}
			base := &http.Transport{}
			defer base.CloseIdleConnections()
			c := client.New(&client.Transport{Base: base, Pacer: client.NewPacer(client.PaceConfig{Store: store})})
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= 120 {
						req, _ := http.NewRequest(http.MethodGet, api.URL+"/account/balance", nil)
						req.Header.Set("Authorization", "Bearer "+fax.DemoSandboxKey)
						if resp, err := c.Do(req); err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}
				}()
			}
		}
		wg.Wait()
		return responses, tooMany
	}
	n, n429 := run(t, true)
	t.Logf("shared schedule: %d responses, %d × 429", n, n429)
	if float64(n429) >= 0.01*float64(n) {
		t.Errorf("%d of %d responses were 429s, want < 1 %%", n429, n)
	}
	if testing.Verbose() {
		n, n429 = run(t, false)
		t.Logf("a schedule each: %d responses, %d × 429", n, n429)
	}
}

type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (r *codeRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}
