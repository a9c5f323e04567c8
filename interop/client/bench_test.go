package client_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/apierr/apierr/client"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkTransport200 is the cost of the retrying layer on a success: the
// same httptest server through a bare http.Transport, through Transport, and
// through go-retryablehttp (its defaults, logging off).
func BenchmarkTransport200(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	run := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequest("GET", srv.URL, nil)
			resp, err := do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("net_http", func(b *testing.B) {
		base := &http.Transport{}
		defer base.CloseIdleConnections()
		c := &http.Client{Transport: base}
		run(b, c.Do)
	})
	b.Run("apierr_client", func(b *testing.B) {
		base := &http.Transport{}
		defer base.CloseIdleConnections()
		c := client.New(&client.Transport{Base: base})
		run(b, c.Do)
	})
	b.Run("go_retryablehttp", func(b *testing.B) {
		base := &http.Transport{}
		defer base.CloseIdleConnections()
		rc := retryablehttp.NewClient()
		rc.Logger = nil
		rc.HTTPClient = &http.Client{Transport: base}
		run(b, func(req *http.Request) (*http.Response, error) {
			rr, err := retryablehttp.FromRequest(req)
			if err != nil {
				return nil, err
			}
			return rc.Do(rr)
		})
	})
}

// BenchmarkTransportRetry503 is one retry cycle: a 503 with a JSON error
// body, then a 200, with no wait (the sleep is stubbed out for apierr's
// Transport; go-retryablehttp's waits are set to 0).
func BenchmarkTransportRetry503(b *testing.B) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"success":false,"message":"Service temporarily unavailable","error":{"code":"SERVICE_UNAVAILABLE"}}`)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	run := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		n.Store(0)
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequest("GET", srv.URL, nil)
			resp, err := do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("apierr_client", func(b *testing.B) {
		base := &http.Transport{}
		defer base.CloseIdleConnections()
		c := client.New(&client.Transport{Base: base, Budget: client.NewBudget(1e9, 1),
			Sleep: func(context.Context, time.Duration) error { return nil }})
		run(b, c.Do)
	})
	b.Run("go_retryablehttp", func(b *testing.B) {
		base := &http.Transport{}
		defer base.CloseIdleConnections()
		rc := retryablehttp.NewClient()
		rc.Logger = nil
		rc.RetryWaitMin, rc.RetryWaitMax = 0, 0
		rc.HTTPClient = &http.Client{Transport: base}
		run(b, func(req *http.Request) (*http.Response, error) {
			rr, err := retryablehttp.FromRequest(req)
			if err != nil {
				return nil, err
			}
			return rc.Do(rr)
		})
	})
}

// BenchmarkRetryLayer isolates the retry layer's own cost on a success: the
// base RoundTripper answers 200 from memory (no network, so the figure is
// not drowned by socket noise), and each client wraps that same base.
func BenchmarkRetryLayer(b *testing.B) {
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	run := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		req, _ := http.NewRequest("GET", "http://api.example/v1/calls", nil)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	b.Run("bare_roundtripper", func(b *testing.B) { run(b, base.RoundTrip) })
	b.Run("apierr_transport", func(b *testing.B) {
		tr := &client.Transport{Base: base}
		run(b, tr.RoundTrip)
	})
	b.Run("go_retryablehttp", func(b *testing.B) {
		rc := retryablehttp.NewClient()
		rc.Logger = nil
		rc.HTTPClient = &http.Client{Transport: base}
		rt := &retryablehttp.RoundTripper{Client: rc}
		run(b, rt.RoundTrip)
	})
}
