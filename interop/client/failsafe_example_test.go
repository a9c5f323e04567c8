package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"

	"github.com/apierr/apierr/client"
)

// composeFailsafe puts failsafe-go's policies where each belongs around
// client.Transport, rather than apierr growing a breaker of its own:
//
//   - hedging under the Transport, per attempt: a second copy of a slow
//     attempt after delay (idempotent requests only, which are the ones the
//     Transport replays anyway);
//   - the circuit breaker over the Transport, per call: a call that still
//     failed after its retries (a 5xx the Transport gave up on, or an error)
//     counts once, and while the breaker is open calls fail at once with
//     circuitbreaker.ErrOpen, sending nothing.
func composeFailsafe(base http.RoundTripper, tr *client.Transport, delay time.Duration) (http.RoundTripper, circuitbreaker.CircuitBreaker[*http.Response]) {
	hedge := hedgepolicy.NewBuilderWithDelay[*http.Response](delay).WithMaxHedges(1).Build()
	tr.Base = failsafehttp.NewRoundTripper(base, hedge)
	breaker := circuitbreaker.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			return err != nil || resp.StatusCode >= http.StatusInternalServerError
		}).
		WithFailureThreshold(3).
		WithDelay(30 * time.Second).
		Build()
	return failsafehttp.NewRoundTripper(tr, breaker), breaker
}

// Example_failsafe: client.Transport retries each call (here once, without
// waiting: 2 requests a call), failsafe-go's breaker opens after three calls
// that still failed, and the fourth call is refused without reaching the
// server. (failsafehttp hands back a body of its own, so client.Attempts
// cannot count through it; the example counts requests at the base.)
func Example_failsafe() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":"unavailable","message":"Down for maintenance."}`)
	}))
	defer srv.Close()

	var hits atomic.Int64
	counted := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})
	rt, _ := composeFailsafe(counted, &client.Transport{
		MaxRetries: 1,
		Budget:     client.NewBudget(100, 0.1),                                // the default budget would stop retrying at the third call
		Sleep:      func(context.Context, time.Duration) error { return nil }, // no real backoff in an example
	}, 100*time.Millisecond)
	c := &http.Client{Transport: rt}
	for range 4 {
		resp, err := c.Get(srv.URL)
		if errors.Is(err, circuitbreaker.ErrOpen) {
			fmt.Println("refused: circuit breaker open")
			continue
		}
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(client.Decode(resp))
	}
	fmt.Println("requests sent:", hits.Load())
	// Output:
	// client: 503 unavailable: Down for maintenance.
	// client: 503 unavailable: Down for maintenance.
	// client: 503 unavailable: Down for maintenance.
	// refused: circuit breaker open
	// requests sent: 6
}
