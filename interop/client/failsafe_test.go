package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"

	"github.com/apierr/apierr/client"
)

// TestFailsafeBreakerOverTransport: the breaker counts calls, not attempts;
// once open it refuses without sending, and the Transport does not retry
// the refusal into the server.
func TestFailsafeBreakerOverTransport(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	rt, breaker := composeFailsafe(http.DefaultTransport, &client.Transport{MaxRetries: 2,
		Budget: client.NewBudget(1000, 1), // this test counts attempts, not the retry budget
		Sleep:  func(context.Context, time.Duration) error { return nil }}, time.Second)
	c := &http.Client{Transport: rt}
	for i := range 3 {
		before := hits.Load()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		resp.Body.Close()
		if n := hits.Load() - before; resp.StatusCode != http.StatusBadGateway || n != 3 {
			t.Errorf("call %d: %d after %d requests, want 502 after 3", i+1, resp.StatusCode, n)
		}
	}
	if !breaker.IsOpen() {
		t.Fatal("breaker not open after 3 failed calls")
	}
	_, err := c.Get(srv.URL)
	if !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Errorf("4th call: %v, want circuitbreaker.ErrOpen", err)
	}
	if n := hits.Load(); n != 9 {
		t.Errorf("server saw %d requests, want 9 (3 calls × 3 attempts, none once open)", n)
	}
}

// TestFailsafeHedgingUnderTransport: an attempt that hangs is hedged by a
// second copy; the call gets the copy's answer and the hung request is
// cancelled.
func TestFailsafeHedgingUnderTransport(t *testing.T) {
	var hits atomic.Int64
	cancelled := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 { // the first copy hangs until the client gives it up
			select {
			case <-r.Context().Done():
				cancelled <- struct{}{}
			case <-release:
			}
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	rt, _ := composeFailsafe(http.DefaultTransport, &client.Transport{}, 20*time.Millisecond)
	c := &http.Client{Transport: rt}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"ok":true}` || hits.Load() != 2 {
		t.Errorf("got %d %q after %d requests, want the hedge's 200 after 2", resp.StatusCode, body, hits.Load())
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Error("the hung copy was never cancelled")
	}
}
