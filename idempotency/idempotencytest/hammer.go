package idempotencytest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/apierr/apierr/idempotency"
)

// Result is one response to a request Fire sent.
type Result struct {
	Status     int
	Replayed   bool
	RetryAfter string
	Body       []byte
}

// Fire sends n requests concurrently, each built by newReq(i), and returns
// their responses in order. after, if not nil, is called once per response
// with the number received so far (from one goroutine at a time), so a test
// can unblock a gated handler once many duplicates have been answered.
func Fire(t *testing.T, client *http.Client, n int, newReq func(i int) *http.Request, after func(done int)) []Result {
	t.Helper()
	res := make([]Result, n)
	errs := make([]error, n)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				mu.Lock()
				done++
				if after != nil {
					after(done)
				}
				mu.Unlock()
			}()
			resp, err := client.Do(newReq(i))
			if err != nil {
				errs[i] = err
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				errs[i] = err
				return
			}
			res[i] = Result{Status: resp.StatusCode, Replayed: resp.Header.Get(idempotency.ReplayedHeader) == "true",
				RetryAfter: resp.Header.Get("Retry-After"), Body: body}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return res
}

// Client returns an HTTP client for many concurrent requests to one host.
func Client() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxConnsPerHost: 128, MaxIdleConnsPerHost: 128}}
}

// CheckOnce asserts the outcome of identical keyed requests: exactly one
// response is the original (status want, not replayed), every other one is
// either a byte-identical replay of it or idempotency_key_in_use (409 with
// Retry-After). It returns the original body and the counts.
func CheckOnce(t *testing.T, res []Result, want int) (body []byte, replays, inUse int) {
	t.Helper()
	originals := 0
	for _, r := range res {
		if r.Status == want && !r.Replayed {
			originals++
			body = r.Body
		}
	}
	if originals != 1 {
		t.Fatalf("%d original (non-replayed %d) responses; want exactly 1", originals, want)
	}
	for i, r := range res {
		switch {
		case r.Status == want && !r.Replayed:
		case r.Status == want && r.Replayed:
			if !bytes.Equal(r.Body, body) {
				t.Fatalf("response %d: replay %q differs from the original %q", i, r.Body, body)
			}
			replays++
		case r.Status == http.StatusConflict:
			if r.RetryAfter == "" {
				t.Fatalf("response %d: 409 without Retry-After", i)
			}
			if !bytes.Contains(r.Body, []byte("idempotency_key_in_use")) {
				t.Fatalf("response %d: 409 body %q is not idempotency_key_in_use", i, r.Body)
			}
			inUse++
		default:
			t.Fatalf("response %d: status %d replayed=%v body %q; want the original, its replay or 409", i, r.Status, r.Replayed, r.Body)
		}
	}
	return body, replays, inUse
}
