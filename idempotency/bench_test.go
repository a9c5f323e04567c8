package idempotency_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
)

// BenchmarkMiddleware measures what the middleware adds to a request, with
// the memory store (bounded at 10,000 keys, so "first" runs at a steady
// state with one eviction per request), against the bare handler. Run:
//
//	go test ./idempotency -run '^$' -bench Middleware -benchmem -benchtime=200ms -count=1
func BenchmarkMiddleware(b *testing.B) {
	cat := testCatalog(b)
	body := []byte(`{"to":"+15551234567","file":"https://example.com/doc.pdf"}`)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"fax_1","status":"queued"}`))
	})
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxEntries: 10_000})
	mw := idempotency.New(idempotency.Config{Store: store})(handler)
	benchHandlers(b, cat, body, map[string]http.Handler{"bare": handler, "memory": mw})
}

// benchHandlers runs the bare / first-request / replay cases for each
// handler.
func benchHandlers(b *testing.B, cat *apierr.Catalog, body []byte, hs map[string]http.Handler) {
	for _, name := range []string{"bare", "memory"} {
		h := hs[name]
		cases := []string{"first"}
		if name != "bare" {
			cases = append(cases, "replay")
		}
		for _, c := range cases {
			b.Run(name+"/"+c, func(b *testing.B) {
				r := benchRequest(cat, body)
				w := &discard{h: make(http.Header, 4)}
				rd := bytes.NewReader(body)
				key := "replay-key"
				r.Header["Idempotency-Key"] = []string{key}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if c == "first" && name != "bare" {
						r.Header["Idempotency-Key"] = []string{"k" + strconv.Itoa(i)}
						i++
					}
					rd.Reset(body)
					r.Body = io.NopCloser(rd)
					clear(w.h)
					w.status = 0
					h.ServeHTTP(w, r)
					if w.status != http.StatusCreated {
						b.Fatalf("status %d", w.status)
					}
				}
			})
		}
	}
}

func benchRequest(cat *apierr.Catalog, body []byte) *http.Request {
	r, _ := http.NewRequest("POST", "http://api.example.com/faxes", bytes.NewReader(body))
	r.Pattern = "POST /faxes"
	r.Header.Set("Content-Type", "application/json")
	st := apierr.NewState(cat, "req_bench")
	st.SetPrincipal(&apierr.Principal{Tenant: "acme", Environment: "live"})
	return r.WithContext(apierr.NewContext(context.Background(), st))
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.status = code }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
