package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// paceClock is a clock whose Sleep advances Now at once and records the
// waits.
type paceClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *paceClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *paceClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}
func (c *paceClock) take() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.waits
	c.waits = nil
	return w
}

// pacedTransport returns a Transport with a Pacer on a fake clock whose base
// answers with the headers hdr returns.
func pacedTransport(cfg PaceConfig, hdr func() (int, http.Header)) (*Transport, *paceClock) {
	clk := &paceClock{now: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)}
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		status, h := hdr()
		return &http.Response{StatusCode: status, Header: h, Body: http.NoBody, Request: r}, nil
	})
	return &Transport{Base: base, Pacer: NewPacer(cfg), Now: clk.Now, Sleep: clk.Sleep, MaxRetries: -1}, clk
}

func get(t *testing.T, tr *Transport) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v1/x", nil)
	return tr.RoundTrip(req)
}

func TestPacerSpacesAfterTheBurst(t *testing.T) {
	remaining := int64(10) // the server's bucket stays full, as r is capped at q
	tr, clk := pacedTransport(PaceConfig{}, func() (int, http.Header) {
		return 200, http.Header{"Ratelimit-Policy": {`"second";q=10;w=1`},
			"Ratelimit": {`"second";r=` + strconv.FormatInt(remaining, 10) + `;t=1`}}
	})
	for range 13 {
		if _, err := get(t, tr); err != nil {
			t.Fatal(err)
		}
	}
	waits := clk.take()
	interval := 105 * time.Millisecond // 1s/10 slowed by the 5 % margin
	// The first request learns the policy; 10 go at once; then one per interval.
	want := []time.Duration{interval, interval}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i, waits[i], want[i])
		}
	}
}

func TestPacerHoldsASpentLimitUntilItsReset(t *testing.T) {
	tr, clk := pacedTransport(PaceConfig{}, func() (int, http.Header) {
		return 200, http.Header{"Ratelimit-Policy": {`"hour";q=100;w=3600`}, "Ratelimit": {`"hour";r=0;t=3`}}
	})
	get(t, tr)
	get(t, tr)
	if w := clk.take(); len(w) != 1 || w[0] != 3*time.Second {
		t.Errorf("waits %v, want [3s]", w)
	}
}

func TestPacerMaxWait(t *testing.T) {
	tr, _ := pacedTransport(PaceConfig{MaxWait: time.Second}, func() (int, http.Header) {
		return 200, http.Header{"X-Ratelimit-Limit": {"60"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"30"}}
	})
	get(t, tr)
	_, err := get(t, tr)
	var re *RetryError
	if !errors.As(err, &re) || !errors.Is(err, ErrPaceWait) || re.Attempts != 0 || re.Wait != 30*time.Second {
		t.Errorf("err = %v (%+v), want a RetryError with ErrPaceWait, 0 attempts, wait 30s", err, re)
	}
}

func TestPacerHonoursRetryAfterOnA429(t *testing.T) {
	status := http.StatusTooManyRequests
	tr, clk := pacedTransport(PaceConfig{}, func() (int, http.Header) {
		defer func() { status = http.StatusOK }()
		return status, http.Header{"Retry-After": {"7"}}
	})
	get(t, tr)
	get(t, tr)
	get(t, tr)
	if w := clk.take(); len(w) != 1 || w[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s]", w)
	}
}

func TestPacerLeavesUnlimitedOriginsAlone(t *testing.T) {
	tr, clk := pacedTransport(PaceConfig{}, func() (int, http.Header) { return 200, http.Header{} })
	for range 50 {
		get(t, tr)
	}
	if w := clk.take(); len(w) != 0 {
		t.Errorf("waits %v, want none", w)
	}
}

// TestPacerProbesBeforeLearning: while the first request of a scope is in
// flight, the others wait for its answer rather than all hitting the limit.
func TestPacerProbesBeforeLearning(t *testing.T) {
	p := NewPacer(PaceConfig{})
	clk := clock{now: time.Now, sleep: func(ctx context.Context, d time.Duration) error { return nil }}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/a", nil)
	first, err := p.wait(context.Background(), req, clk)
	if err != nil || !first.probe {
		t.Fatalf("first = %+v, %v; want the probe", first, err)
	}
	released := make(chan paceTicket)
	go func() {
		tk, _ := p.wait(context.Background(), req, clk)
		released <- tk
	}()
	select {
	case <-released:
		t.Fatal("a second request went before the probe was answered")
	case <-time.After(20 * time.Millisecond):
	}
	p.observe(first, &http.Response{StatusCode: 200, Header: http.Header{}}, time.Now())
	if tk := <-released; tk.probe {
		t.Error("the second request probed again")
	}
	// A probe that fails to get a response hands the probe on.
	req2, _ := http.NewRequest(http.MethodGet, "https://other.example.com/", nil)
	a, _ := p.wait(context.Background(), req2, clk)
	p.observe(a, nil, time.Now())
	if b, _ := p.wait(context.Background(), req2, clk); !b.probe {
		t.Error("after a failed probe the next request is not the probe")
	}
}

func TestMemoryPaceStore(t *testing.T) {
	var m MemoryPaceStore
	now := time.Unix(1000, 0)
	slot := PaceSlot{Now: now, Interval: 100 * time.Millisecond, Burst: 3}
	var got []time.Duration
	for range 5 {
		w, ok, _ := m.Reserve(context.Background(), "k", slot)
		if !ok {
			t.Fatal("not booked")
		}
		got = append(got, w)
	}
	want := []time.Duration{0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("waits %v, want %v", got, want)
			break
		}
	}
	slot.MaxWait = 250 * time.Millisecond
	if w, ok, _ := m.Reserve(context.Background(), "k", slot); ok || w != 300*time.Millisecond {
		t.Errorf("over MaxWait: %v %v, want 300ms not booked", w, ok)
	}
	slot.MaxWait, slot.NotBefore = 0, time.Second
	if w, _, _ := m.Reserve(context.Background(), "fresh", slot); w != 800*time.Millisecond {
		t.Errorf("NotBefore 1s with burst 3: wait %v, want 800ms", w)
	}
}
