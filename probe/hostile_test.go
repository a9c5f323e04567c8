package probe_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/probe"
	"github.com/apierr/apierr/probe/probetest"
)

// rawServer answers every connection with reply (after reading the request
// head), then closes it: the way to send what no net/http server would.
func rawServer(t *testing.T, reply func(w io.Writer)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReaderSize(c, 1<<20)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				reply(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func canned(s string) func(io.Writer) { return func(w io.Writer) { _, _ = io.WriteString(w, s) } }

// TestHostileResponsesNeverPanic runs the whole battery against servers that
// answer with garbage; the probe must report, not panic or hang.
func TestHostileResponsesNeverPanic(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply func(io.Writer)
	}{
		{"nothing at all", canned("")},
		{"not HTTP", canned("\x00\x01\x02 hello\r\n\r\n")},
		{"truncated body", canned("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"error\":\"not_f")},
		{"invalid JSON", canned("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"error\": [1,")},
		{"JSON of the wrong shape", canned("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 31\r\n\r\n{\"error\":{\"code\":[{}]},\"docs\":7}")},
		{"deeply nested JSON", func(w io.Writer) {
			body := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
			_, _ = io.WriteString(w, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"+body)
		}},
		{"huge body", func(w io.Writer) {
			_, _ = io.WriteString(w, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":\"")
			chunk := []byte(strings.Repeat("a", 64<<10))
			for i := 0; i < 1024; i++ { // up to 64 MiB, until the probe hangs up
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"huge header", canned("HTTP/1.1 404 Not Found\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n")},
		{"1xx only", canned("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n")},
		{"1xx then an error", canned("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{\"error\":\"nope\"}\r\n")},
		{"odd status", canned("HTTP/1.1 999 Whatever\r\nContent-Type: application/problem+json\r\nRetry-After: soon\r\nConnection: close\r\n\r\n{\"type\":\"ftp://x\",\"code\":\"\"}")},
		{"negative length", canned("HTTP/1.1 500 Oops\r\nContent-Length: -5\r\n\r\n")},
		{"bad chunking", canned("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc")},
		{"redirect loop to itself", canned("HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")},
		{"nul bytes and a stack in the body", canned("HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":\"x\\u0000\",\"trace\":\"goroutine 1 [running]:\\n\\t/usr/src/app/main.go:9\"}")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := rawServer(t, tc.reply)
			rep, err := probe.Run(context.Background(), probe.Config{
				BaseURL: base, Key: probetest.Key, PostPath: probetest.PostPath,
				Burst: 3, Idempotency: true,
				Timeout: time.Minute, RequestTimeout: 5 * time.Second, Oversize: 2 << 20,
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Errorf("garbage passed:\n%s", table(rep))
			}
			if rep.Requests > 16+2+3+64 {
				t.Errorf("%d requests, more than the budget", rep.Requests)
			}
			var b strings.Builder
			if err := rep.WriteJSON(&b); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestOnlyTalksToBaseURL: redirects to another host are reported, never
// followed, and docs on another host are checked for form only.
func TestOnlyTalksToBaseURL(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	defer other.Close()

	t.Run("redirect to another host", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
		}))
		defer srv.Close()
		rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Key: probetest.Key, PostPath: "/x"})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Has(probe.CheckStatus, "unknown_endpoint", probe.Fail) {
			t.Errorf("a redirect passed:\n%s", table(rep))
		}
	})

	t.Run("docs on another host, and an on-host docs link that redirects there", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/docs/moved" {
				http.Redirect(w, r, other.URL+"/docs/moved", http.StatusMovedPermanently)
				return
			}
			docs := other.URL + "/docs/errors/not-found"
			if r.Method == http.MethodDelete {
				docs = "http://" + r.Host + "/docs/moved"
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-ID", "r1")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"not_found","message":"no","docs":"`+docs+`","request_id":"r1"}`)
		}))
		defer srv.Close()
		rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Key: probetest.Key, PostPath: "/x"})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Has(probe.CheckDocsURL, "unknown_endpoint", probe.Pass) {
			t.Errorf("off-host docs not passed on form:\n%s", table(rep))
		}
		for _, r := range rep.Results {
			if r.Check == probe.CheckDocsURL && r.Request == "unknown_endpoint" && !strings.Contains(r.Why, "not fetched") {
				t.Errorf("the row does not say the docs were not fetched: %s", r.Why)
			}
		}
		if !rep.Has(probe.CheckDocsURL, "wrong_method", probe.Fail) {
			t.Errorf("an on-host docs link redirecting off host passed:\n%s", table(rep))
		}
	})
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the probe sent %d requests to another host", n)
	}
}

// TestBounds: a server that never answers costs at most the run's timeout,
// and a cancelled context stops the run.
func TestBounds(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hang.Close()

	t.Run("requests time out", func(t *testing.T) {
		rep, err := probe.Run(context.Background(), probe.Config{BaseURL: hang.URL, RequestTimeout: 50 * time.Millisecond, Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Has(probe.CheckResponse, "unknown_endpoint", probe.Fail) {
			t.Errorf("no failed response row:\n%s", table(rep))
		}
	})
	t.Run("the run times out", func(t *testing.T) {
		rep, err := probe.Run(context.Background(), probe.Config{BaseURL: hang.URL, RequestTimeout: time.Minute, Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rep.Results {
			found = found || strings.Contains(r.Why, "overall timeout")
		}
		if !found || rep.OK() {
			t.Errorf("the overall timeout is not reported:\n%s", table(rep))
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := probe.Run(ctx, probe.Config{BaseURL: hang.URL}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  probe.Config
	}{
		{"no URL", probe.Config{}},
		{"not a URL", probe.Config{BaseURL: "http://[::1"}},
		{"relative URL", probe.Config{BaseURL: "/v1"}},
		{"ftp", probe.Config{BaseURL: "ftp://example.com"}},
		{"no host", probe.Config{BaseURL: "http://"}},
		{"credentials in the URL", probe.Config{BaseURL: "https://u:p@example.com"}},
		{"absolute post URL", probe.Config{BaseURL: "https://example.com", PostPath: "https://evil.example/x"}},
		{"burst too large", probe.Config{BaseURL: "https://example.com", Burst: probe.MaxBurst + 1}},
		{"idempotency without a route", probe.Config{BaseURL: "https://example.com", Idempotency: true}},
		{"key with a newline", probe.Config{BaseURL: "https://example.com", Key: "k\nX-Injected: 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := probe.Run(context.Background(), tc.cfg)
			var ce *probe.ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("err = %v, want a *probe.ConfigError", err)
			}
		})
	}
}
