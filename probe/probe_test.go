package probe_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/apierr/apierr"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apierr/apierr/probe"
	"github.com/apierr/apierr/probe/probetest"
)

func table(rep *probe.Report) string {
	var b strings.Builder
	_ = rep.WriteTable(&b)
	return b.String()
}

func TestCorrectServerPassesEveryCheck(t *testing.T) {
	srv := probetest.Correct(60)
	defer srv.Close()
	rep, err := probe.Run(context.Background(), probe.Config{
		BaseURL:     srv.URL,
		Catalog:     srv.Catalog,
		Key:         probetest.Key,
		PostPath:    probetest.PostPath,
		Burst:       200,
		Idempotency: true,
		Data:        []byte(`{"name":"probe"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Skipped != 0 {
		t.Fatalf("want every check to pass:\n%s", table(rep))
	}
	// Every kind of check ran at least once.
	for _, c := range []string{probe.CheckStatus, probe.CheckContentType, probe.CheckDecodes, probe.CheckCodeInCatalog,
		probe.CheckDocsURL, probe.CheckRequestID, probe.CheckRetryAfter, probe.CheckWWWAuthenticate, probe.CheckAllow,
		probe.CheckNoStackTrace, probe.CheckNoFilePath, probe.CheckNoSQL, probe.CheckNoEchoedKey, probe.CheckIdempotency} {
		if !rep.Has(c, "", probe.Pass) {
			t.Errorf("no passing %s row:\n%s", c, table(rep))
		}
	}
	// The burst stops at the first 429; requests in flight then may be
	// cancelled before they arrive, so the server may see fewer.
	if got := srv.Requests.Load(); got > int64(rep.Requests) || rep.Requests > 16+2+200+64 {
		t.Errorf("server saw %d requests, report says %d", got, rep.Requests)
	}
}

func TestBrokenServerDefectsAreNamed(t *testing.T) {
	srv := probetest.Broken()
	defer srv.Close()
	run := func(t *testing.T) *probe.Report {
		rep, err := probe.Run(context.Background(), probe.Config{
			BaseURL:  srv.URL,
			Catalog:  srv.Catalog,
			Key:      probetest.Key,
			PostPath: probetest.PostPath,
			Burst:    20,
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() {
			t.Fatalf("a broken server passed:\n%s", table(rep))
		}
		return rep
	}
	rep := run(t)
	for _, tc := range []struct {
		name, check, request string
	}{
		{"plain-text 404", probe.CheckContentType, "unknown_endpoint"},
		{"plain-text 404 does not decode", probe.CheckDecodes, "unknown_endpoint"},
		{"HTML 500 instead of 400", probe.CheckStatus, "malformed_json"},
		{"HTML 500", probe.CheckContentType, "malformed_json"},
		{"stack trace in a 500", probe.CheckNoStackTrace, "malformed_json"},
		{"file path in a 500", probe.CheckNoFilePath, "malformed_json"},
		{"SQL in a 400", probe.CheckNoSQL, "wrong_content_type"},
		{"429 without Retry-After", probe.CheckRetryAfter, "burst"},
		{"401 echoing the key", probe.CheckNoEchoedKey, "unknown_key"},
		{"401 echoing the key with whitespace", probe.CheckNoEchoedKey, "key_whitespace"},
		{"401 without a challenge", probe.CheckWWWAuthenticate, "no_credentials"},
		{"405 without Allow", probe.CheckAllow, "wrong_method"},
		{"missing request ID", probe.CheckRequestID, "unknown_key"},
		{"code not in the catalog", probe.CheckCodeInCatalog, "unknown_key"},
		{"no docs URL although the catalog has docs", probe.CheckDocsURL, "wrong_method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !rep.Has(tc.check, tc.request, probe.Fail) {
				t.Errorf("no failed %s row for %s:\n%s", tc.check, tc.request, table(rep))
			}
		})
	}
	t.Run("the report never prints the key", func(t *testing.T) {
		var b strings.Builder
		_ = rep.WriteJSON(&b)
		if out := table(rep) + b.String(); strings.Contains(out, probetest.Key) {
			t.Errorf("the report leaks the key:\n%s", out)
		}
	})
}

// TestRequestIDInHeaderAndBody: the client falls back to the header for a
// request ID; the probe must not, or a body without one would pass.
func TestRequestIDInHeaderAndBody(t *testing.T) {
	for _, tc := range []struct {
		name, header, body string
		want               probe.Outcome
	}{
		{"both, the same", "r1", `"request_id":"r1",`, probe.Pass},
		{"header only", "r1", ``, probe.Fail},
		{"body only", "", `"request_id":"r1",`, probe.Fail},
		{"different", "r1", `"request_id":"r2",`, probe.Fail},
		{"the same on every response", "fixed", `"request_id":"fixed",`, probe.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("X-Request-ID", tc.header)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"error":"endpoint_not_found",`+tc.body+`"message":"No such endpoint."}`)
			}))
			defer srv.Close()
			rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Key: probetest.Key})
			if err != nil {
				t.Fatal(err)
			}
			request := "unknown_endpoint"
			if tc.header == "fixed" {
				request = "no_credentials" // the second response
			}
			if !rep.Has(probe.CheckRequestID, request, tc.want) {
				t.Errorf("want request_id %s:\n%s", tc.want, table(rep))
			}
		})
	}
}

func TestDocsURL(t *testing.T) {
	// The default catalog's docs_url is /errors/{slug}: relative, so on
	// BASE_URL's host.
	for _, tc := range []struct {
		name, docs string
		want       probe.Outcome
		why        string
	}{
		{"the permalink, served", `"/errors/endpoint-not-found"`, probe.Pass, "resolves (200)"},
		{"the permalink on another host", `"https://docs.example.com/errors/endpoint-not-found"`, probe.Pass, "not fetched"},
		{"another page on another host", `"https://docs.example.com/guide/errors"`, probe.Fail, "not the catalog's permalink"},
		{"a permalink that is not served", `"/errors/endpoint-not-found?gone=1"`, probe.Fail, "answers 404"},
		{"not http", `"javascript:alert(1)"`, probe.Fail, "not an http(s) URL"},
		{"missing", `""`, probe.Fail, "no docs URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/errors/endpoint-not-found" && r.URL.RawQuery == "" {
					io.WriteString(w, "<h1>endpoint_not_found</h1>")
					return
				}
				if strings.HasPrefix(r.URL.Path, "/errors/") {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Request-ID", "r-"+r.Method)
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"error":"endpoint_not_found","message":"No such endpoint.","docs":`+tc.docs+`,"request_id":"r-`+r.Method+`"}`)
			}))
			defer srv.Close()
			rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Catalog: apierr.Default(), Key: probetest.Key})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Results {
				if r.Check == probe.CheckDocsURL && r.Request == "unknown_endpoint" {
					if r.Result != tc.want || !strings.Contains(r.Why, tc.why) {
						t.Errorf("docs_url = %s %q, want %s %q", r.Result, r.Why, tc.want, tc.why)
					}
					return
				}
			}
			t.Errorf("no docs_url row:\n%s", table(rep))
		})
	}
}

// TestPublicRootIsSkipped: without --post the auth requests go to BASE_URL,
// which may be public; that is a skip with advice, not a failure.
func TestPublicRootIsSkipped(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			io.WriteString(w, "welcome")
			return
		}
		id := fmt.Sprint("req_", n.Add(1))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-ID", id)
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"endpoint_not_found","message":"No such endpoint.","request_id":"`+id+`"}`)
	}))
	defer srv.Close()
	rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Has(probe.CheckStatus, "no_credentials", probe.Skip) || rep.Has(probe.CheckStatus, "no_credentials", probe.Fail) {
		t.Errorf("want a skip for the public root:\n%s", table(rep))
	}
	if !rep.OK() {
		t.Errorf("want no failure:\n%s", table(rep))
	}
}

// TestIdempotencyVerdicts: a reuse must be refused, and refused differently
// from the first request; when both were refused alike the key may never
// have been stored, which is inconclusive, not a pass.
func TestIdempotencyVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name         string
		first, reuse int
		reuseCode    string
		check        string
		want         probe.Outcome
	}{
		{"refused as reused", 201, 422, "idempotency_key_reused", probe.CheckIdempotency, probe.Pass},
		{"in use", 201, 409, "idempotency_key_in_use", probe.CheckIdempotency, probe.Pass},
		{"both refused alike", 422, 422, "validation_failed", probe.CheckIdempotency, probe.Skip},
		{"the reuse runs again", 201, 201, "", probe.CheckStatus, probe.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := fmt.Sprint("req_", n.Add(1))
				w.Header().Set("X-Request-ID", id)
				w.Header().Set("Content-Type", "application/json")
				status, code := http.StatusNotFound, "endpoint_not_found"
				if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
					status, code = tc.first, "validation_failed"
					if seenKey(r) {
						status, code = tc.reuse, tc.reuseCode
					}
				}
				w.WriteHeader(status)
				if status >= 400 {
					io.WriteString(w, `{"error":"`+code+`","message":"m","request_id":"`+id+`"}`)
				} else {
					io.WriteString(w, `{"id":"x"}`)
				}
			}))
			defer srv.Close()
			rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Key: probetest.Key,
				PostPath: "/things", Idempotency: true})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Has(tc.check, "idempotency_reuse", tc.want) {
				t.Errorf("want %s %s:\n%s", tc.check, tc.want, table(rep))
			}
		})
	}
}

var keysSeen sync.Map

// seenKey reports whether r's Idempotency-Key came before.
func seenKey(r *http.Request) bool {
	_, seen := keysSeen.LoadOrStore(r.Header.Get("Idempotency-Key"), true)
	return seen
}

func TestRunUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rep, err := probe.Run(context.Background(), probe.Config{BaseURL: "http://" + addr})
	var ue *probe.UnreachableError
	if rep != nil || !errors.As(err, &ue) || ue.BaseURL != "http://"+addr {
		t.Fatalf("report %v, error %v; want an UnreachableError", rep, err)
	}
}
