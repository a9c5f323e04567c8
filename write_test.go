package apierr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// captureLog sends slog's default logger to a buffer for the test.
func captureLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestWriteOverHTTP(t *testing.T) {
	logs := captureLog(t)
	cat := faxCatalog(t)
	secret := errors.New("pq: password authentication failed for user \"admin\" at /srv/app/db.go:42")
	mux := http.NewServeMux()
	mux.Handle("/balance", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return New("insufficient_balance").With("available", 3).With("required", 5)
	}))
	mux.Handle("/boom", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return secret
	}))
	mux.Handle("/slow", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return Cond(CondRateLimited).WithRetryAfter(1200*time.Millisecond).WithHeader("RateLimit", `"burst";r=0;t=2`)
	}))
	mux.Handle("/ok", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		_, err := io.WriteString(w, "fine")
		return err
	}))
	// A minimal stand-in for the middleware: the request's state carries the catalog and ID.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := NewState(cat, "req_42")
		mux.ServeHTTP(w, r.WithContext(NewContext(r.Context(), st)))
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	get := func(method, path, accept string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if len(b) > 0 {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s %s: body %q: %v", method, path, b, err)
			}
		}
		return resp, m
	}

	t.Run("catalog error", func(t *testing.T) {
		resp, body := get("GET", "/balance", "")
		if resp.StatusCode != 402 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("X-Request-ID") != "req_42" {
			t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
		}
		if body["error"] != "insufficient_balance" || body["request_id"] != "req_42" || body["context"].(map[string]any)["available"] != 3.0 {
			t.Errorf("body %v", body)
		}
	})
	t.Run("problem by Accept", func(t *testing.T) {
		resp, body := get("GET", "/balance", "application/problem+json")
		if resp.Header.Get("Content-Type") != "application/problem+json" || body["status"] != 402.0 || body["instance"] != "/balance" {
			t.Errorf("%v %v", resp.Header, body)
		}
	})
	t.Run("plain error is internal and never leaks", func(t *testing.T) {
		resp, body := get("GET", "/boom", "")
		if resp.StatusCode != 500 || body["error"] != "internal_server_error" {
			t.Errorf("%d %v", resp.StatusCode, body)
		}
		raw, _ := json.Marshal(body)
		for _, leak := range []string{"pq:", "password", "db.go", "/srv"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("body leaks %q: %s", leak, raw)
			}
		}
		if !strings.Contains(logs.String(), "password authentication failed") || !strings.Contains(logs.String(), `"request_id":"req_42"`) {
			t.Errorf("cause not logged with request id: %s", logs.String())
		}
	})
	t.Run("retry after and extra headers", func(t *testing.T) {
		resp, body := get("GET", "/slow", "")
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("RateLimit") == "" {
			t.Errorf("%d %v", resp.StatusCode, resp.Header)
		}
		if body["error"] != "rate_limit_exceeded" {
			t.Errorf("%v", body)
		}
	})
	t.Run("HEAD has no body", func(t *testing.T) {
		resp, body := get("HEAD", "/balance", "")
		if resp.StatusCode != 402 || body != nil {
			t.Errorf("%d %v", resp.StatusCode, body)
		}
	})
	t.Run("success untouched", func(t *testing.T) {
		resp, _ := http.Get(srv.URL + "/ok")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "fine" {
			t.Errorf("%d %q", resp.StatusCode, b)
		}
	})
}

func TestWriteWithoutState(t *testing.T) {
	captureLog(t)
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/x", nil)
	Write(w, r, Cond(CondEndpointNotFound))
	if w.Code != 404 || !strings.Contains(w.Body.String(), `"error":"endpoint_not_found"`) {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	Write(w, r, nil)
	if w.Body.Len() != 0 {
		t.Error("Write(nil) wrote")
	}
}

func TestWriteRecordsState(t *testing.T) {
	st := NewState(Default(), "r")
	st.ClaimLog()
	r := httptest.NewRequest("GET", "/x", nil).WithContext(NewContext(context.Background(), st))
	w := httptest.NewRecorder()
	Write(w, r, Wrap(io.EOF, "internal_error"))
	if !st.Rendered() || st.Err() == nil || st.Code() != "internal_error" || st.Err().Cause() != io.EOF || st.Status() != 500 {
		t.Errorf("state = %+v", st)
	}
	if RequestID(r.Context()) != "r" || CatalogFrom(r.Context()) != Default() || PrincipalFrom(r.Context()) != nil {
		t.Error("context accessors")
	}
	if RequestID(context.Background()) != "" || CatalogFrom(context.Background()) != Default() {
		t.Error("context accessors without state")
	}
}

func TestPrincipalHasScope(t *testing.T) {
	p := &Principal{Scopes: []string{"fax:write"}}
	if !p.HasScope("fax:write") || p.HasScope("admin") || (*Principal)(nil).HasScope("x") {
		t.Error("HasScope")
	}
}

func TestSecondWriteKeepsFirstErrorInState(t *testing.T) {
	captureLog(t)
	st := NewState(Default(), "r")
	st.ClaimLog()
	r := httptest.NewRequest("GET", "/x", nil).WithContext(NewContext(context.Background(), st))
	w := httptest.NewRecorder()
	Write(w, r, Cond(CondForbidden))
	Write(w, r, errors.New("handler also returned an error"))
	if st.Err() == nil || st.Code() != "forbidden" || st.Status() != 403 {
		t.Fatalf("state describes %+v, want the forbidden error the client got", st.Err())
	}
}

// TestWriteVaryAccept: a catalog that offers more than one format chooses
// the body by Accept, so the answer says Vary: Accept (once, beside what a
// handler already set); a catalog with one format does not negotiate.
func TestWriteVaryAccept(t *testing.T) {
	two := MustLoad([]byte("formats: [envelope, problem]\ncodes:\n  a: {status: 400, message: m}\n"), "two.yaml")
	one := MustLoad([]byte("formats: [envelope]\ncodes:\n  a: {status: 400, message: m}\n"), "one.yaml")
	for _, tc := range []struct {
		name   string
		cat    *Catalog
		preset []string
		want   []string
	}{
		{"negotiated", two, nil, []string{"Accept"}},
		{"kept beside Origin", two, []string{"Origin"}, []string{"Origin", "Accept"}},
		{"not twice", two, []string{"accept-encoding, Accept"}, []string{"accept-encoding, Accept"}},
		{"star covers it", two, []string{"*"}, []string{"*"}},
		{"one format, no negotiation", one, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if tc.preset != nil {
				rec.Header()["Vary"] = tc.preset
			}
			tc.cat.Write(rec, httptest.NewRequest("GET", "/", nil), New("a"))
			if got := rec.Header()["Vary"]; !slices.Equal(got, tc.want) {
				t.Errorf("Vary %q, want %q", got, tc.want)
			}
		})
	}
}
