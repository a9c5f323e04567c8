package idempotency_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
)

// flakyStore fails Complete its first n times, as Redis does through a
// failover or a timeout, then behaves.
type flakyStore struct {
	idempotency.Store
	mu        sync.Mutex
	fail      int
	completes int
	renewals  int
}

func (s *flakyStore) Complete(ctx context.Context, key string, rec *idempotency.Record, ttl time.Duration) error {
	s.mu.Lock()
	s.completes++
	failing := s.fail > 0
	if failing {
		s.fail--
	}
	s.mu.Unlock()
	if failing {
		return errors.New("redis: i/o timeout")
	}
	return s.Store.Complete(ctx, key, rec, ttl)
}

func (s *flakyStore) Renew(ctx context.Context, key string, token idempotency.Token, lease time.Duration) error {
	s.mu.Lock()
	s.renewals++
	s.mu.Unlock()
	return s.Store.Renew(ctx, key, token, lease)
}

// timers stands in for time.AfterFunc: nothing runs until the test fires.
type timers struct {
	mu      sync.Mutex
	pending []*timer
}

type timer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (tm *timers) AfterFunc(d time.Duration, f func()) func() bool {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	t := &timer{d: d, f: f}
	tm.pending = append(tm.pending, t)
	return func() bool {
		tm.mu.Lock()
		defer tm.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire runs the timers scheduled so far (not those they schedule) and
// returns how many ran.
func (tm *timers) fire() int {
	tm.mu.Lock()
	due := tm.pending
	tm.pending = nil
	tm.mu.Unlock()
	n := 0
	for _, t := range due {
		tm.mu.Lock()
		skip := t.stopped
		t.stopped = true
		tm.mu.Unlock()
		if !skip {
			t.f()
			n++
		}
	}
	return n
}

// A save that fails must not turn the client's retry into a second run:
// the response is saved again in the background while the lease is renewed,
// so the retry gets 409 until it is stored, and its replay after, even when
// the time it takes spans several leases.
func TestFailedSaveIsRetriedNotRerun(t *testing.T) {
	for _, fails := range []int{1, 3, 12} {
		t.Run(strconv.Itoa(fails)+" failures", func(t *testing.T) {
			clk := newClock()
			mem := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
			store := &flakyStore{Store: mem, fail: fails}
			tm := &timers{}
			var logs bytes.Buffer
			h := &counting{}
			srv := serve(t, idempotency.Config{Store: store, Lease: 30 * time.Second, AfterFunc: tm.AfterFunc,
				FailurePolicy: apierr.FailurePolicy{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
			}, h)

			if r := do(t, srv, req{}); r.status != 201 || !strings.Contains(r.body, `"fax_1"`) {
				t.Fatalf("first = %d %q", r.status, r.body)
			}
			// The store keeps failing for a while: a minute passes per
			// round, twice the lease, renewals and save retries firing.
			for round := 0; ; round++ {
				if r := do(t, srv, req{}); r.header.Get(idempotency.ReplayedHeader) == "true" {
					if !strings.Contains(r.body, `"fax_1"`) {
						t.Fatalf("replay = %q; want the first response", r.body)
					}
					break
				} else if r.status != 409 || !strings.Contains(r.body, "idempotency_key_in_use") {
					t.Fatalf("round %d: retry = %d %q; want 409 while the save is retried (log: %s)", round, r.status, r.body, logs.String())
				}
				if round > fails+5 {
					t.Fatalf("still not stored after %d rounds", round)
				}
				for i := 0; i < 3; i++ {
					clk.Advance(20 * time.Second) // under the 30 s lease between renewals
					tm.fire()
				}
			}
			if h.Runs() != 1 {
				t.Fatalf("handler ran %d times; want once", h.Runs())
			}
			store.mu.Lock()
			defer store.mu.Unlock()
			if store.completes != fails+1 || store.renewals == 0 {
				t.Errorf("Complete called %d times, Renew %d; want %d and some", store.completes, store.renewals, fails+1)
			}
			if n := tm.fire(); n != 0 {
				t.Errorf("%d timers still ran after the save; want renewals stopped", n)
			}
		})
	}
}

// A holder that stops renewing (its process crashed) frees its key when the
// lease expires: then, and only then, the retry runs again.
func TestCrashedHolderKeyRunsAgain(t *testing.T) {
	clk := newClock()
	mem := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	store := &flakyStore{Store: mem, fail: 1}
	tm := &timers{} // never fired: the holder is gone
	h := &counting{}
	srv := serve(t, idempotency.Config{Store: store, Lease: 30 * time.Second, AfterFunc: tm.AfterFunc, FailurePolicy: apierr.FailurePolicy{Logger: quiet()}}, h)
	do(t, srv, req{})
	clk.Advance(29 * time.Second)
	if r := do(t, srv, req{}); r.status != 409 {
		t.Fatalf("within the lease = %d; want 409", r.status)
	}
	clk.Advance(2 * time.Second)
	if r := do(t, srv, req{}); r.status != 201 || !strings.Contains(r.body, `"fax_2"`) || r.header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("after the crashed holder's lease = %d %q; want the retry to run", r.status, r.body)
	}
}

// A handler running longer than its lease keeps its key: the lease is
// renewed while it runs.
func TestLongHandlerKeepsItsLease(t *testing.T) {
	clk := newClock()
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	tm := &timers{}
	entered, release := make(chan struct{}), make(chan struct{})
	h := &counting{then: func(w http.ResponseWriter, r *http.Request, run int) {
		if run == 1 {
			close(entered)
			<-release
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte("run " + strconv.Itoa(run)))
	}}
	srv := serve(t, idempotency.Config{Store: store, Lease: 30 * time.Second, AfterFunc: tm.AfterFunc}, h)
	first := make(chan response)
	go func() { first <- do(t, srv, req{}) }()
	<-entered
	for i := 0; i < 10; i++ { // five minutes, ten leases
		clk.Advance(29 * time.Second)
		tm.fire()
		if r := do(t, srv, req{}); r.status != 409 {
			t.Fatalf("after %v of a running handler: %d %q; want 409", time.Duration(i+1)*29*time.Second, r.status, r.body)
		}
	}
	close(release)
	<-first
	if r := do(t, srv, req{}); r.body != "run 1" || r.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("after it finished: %q; want the replay of run 1", r.body)
	}
}

// An outage of the store writes a bounded number of per-key records: the
// first "not stored" of each LogInterval in full, then one record that
// counts the others (written when the interval ends), not one per key.
func TestStoreOutageRecordsAreCounted(t *testing.T) {
	clk := newClock()
	mem := idempotency.NewMemoryStore(idempotency.MemoryConfig{Now: clk.Now})
	store := &flakyStore{Store: mem, fail: 1 << 30} // every save fails
	tm, logTimers := &timers{}, &timers{}
	var logs bytes.Buffer
	var mu sync.Mutex
	errs := 0
	srv := serve(t, idempotency.Config{Store: store, Lease: 30 * time.Second, AfterFunc: tm.AfterFunc,
		FailurePolicy: apierr.FailurePolicy{
			Logger:    slog.New(slog.NewTextHandler(&lockedBuffer{b: &logs, mu: &mu}, nil)),
			Now:       clk.Now,
			AfterFunc: logTimers.AfterFunc,
			OnError:   func(context.Context, error) { mu.Lock(); errs++; mu.Unlock() },
		},
	}, &counting{})
	const keys = 200
	for i := range keys {
		if r := do(t, srv, req{key: "k" + strconv.Itoa(i)}); r.status != 201 {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
	}
	if logTimers.fire() != 1 {
		t.Fatal("no timer armed for the interval's count")
	}
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "response not stored yet") ||
		!strings.Contains(lines[1], "response not stored yet; retrying in the background, lease held (199 more times in the last 10s, other keys)") ||
		!strings.Contains(lines[1], "failures=199") || !strings.Contains(lines[1], "redis: i/o timeout") {
		t.Errorf("%d records, want the first and one count of the other 199:\n%s", len(lines), logs.String())
	}
	if errs != keys {
		t.Errorf("OnError heard of %d failures, want every one of %d", errs, keys)
	}
}

type lockedBuffer struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
