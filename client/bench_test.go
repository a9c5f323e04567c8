package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// replayBody is a response body that can be rewound without allocating, so
// BenchmarkDecode measures Decode, not the test's plumbing.
type replayBody struct{ bytes.Reader }

func (*replayBody) Close() error { return nil }

func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, file, ct string }{
		{"envelope", "envelope_validation.json", "application/json"},
		{"problem", "problem_apierr.json", "application/problem+json"},
		{"seed001_fastapi", "seed001_fastapi_detail.json", "application/json"},
		{"seed002", "seed002.json", "application/json"},
		{"seed003", "seed003_validation.json", "application/json"},
		{"seed004", "seed004.json", "application/json"},
		{"stripe", "stripe_resource_missing.json", "application/json"},
		{"google", "google_quota.json", "application/json"},
		{"microsoft", "microsoft.json", "application/json"},
		{"jsonapi", "jsonapi.json", "application/vnd.api+json"},
		{"github", "github.json", "application/json"},
		{"fieldmap", "fieldmap.json", "application/json"},
		{"fastapi_list", "fastapi_validation.json", "application/json"},
		{"kubernetes", "kubernetes_invalid.json", "application/json"},
		{"aws_json", "aws_json.json", "application/x-amz-json-1.0"},
		{"s3_xml", "s3_no_such_key.xml", "application/xml"},
		{"twilio", "twilio.json", "application/json"},
		{"html", "nginx_502.html", "text/html"},
		{"text", "envoy_503.txt", "text/plain"},
	} {
		body, err := os.ReadFile(filepath.Join("testdata", "decode", bc.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			rb := &replayBody{}
			resp := &http.Response{StatusCode: 422, Header: http.Header{
				"Content-Type": {bc.ct}, "X-Request-Id": {"req-1"}}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rb.Reset(body)
				resp.Body, resp.ContentLength = rb, int64(len(body))
				if Decode(resp) == nil {
					b.Fatal("nil error")
				}
			}
		})
	}
}

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
		c := New(&Transport{Base: base})
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
		c := New(&Transport{Base: base, Budget: NewBudget(1e9, 1),
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
		tr := &Transport{Base: base}
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
