package redisstore_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
)

// BenchmarkIdempotencyRedis measures what the idempotency middleware adds to
// a request with the Redis store (a local redis-server over TCP), against
// the bare handler, and reports Redis round trips per request counted by a
// go-redis hook. Run:
//
//	go test ./redisstore -run '^$' -bench IdempotencyRedis -benchmem -benchtime=200ms -count=1
func BenchmarkIdempotencyRedis(b *testing.B) {
	srv := redistest.New(b)
	client := srv.Client()
	hook := &idemRoundTrips{}
	client.AddHook(hook)
	store := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix(), Durability: redisstore.DurabilityIgnore})
	body := []byte(`{"to":"+15551234567","file":"https://example.com/doc.pdf"}`)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"fax_1","status":"queued"}`))
	})
	mw := idempotency.New(idempotency.Config{Store: store})(handler)
	for _, bc := range []struct {
		name  string
		h     http.Handler
		fresh bool // a new key per request
	}{
		{"bare", handler, false},
		{"redis/first", mw, true},
		{"redis/replay", mw, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, _ := http.NewRequest("POST", "http://api.example.com/faxes", bytes.NewReader(body))
			r.Pattern = "POST /faxes"
			st := apierr.NewState(nil, "req_bench")
			st.SetPrincipal(&apierr.Principal{Tenant: "acme", Environment: "live"})
			r = r.WithContext(apierr.NewContext(context.Background(), st))
			r.Header["Idempotency-Key"] = []string{"replay-key-" + bc.name}
			w := &idemDiscard{h: make(http.Header, 4)}
			rd := bytes.NewReader(body)
			run := func(i int) {
				if bc.fresh {
					r.Header["Idempotency-Key"] = []string{"k" + strconv.Itoa(i)}
				}
				rd.Reset(body)
				r.Body = io.NopCloser(rd)
				clear(w.h)
				w.status = 0
				bc.h.ServeHTTP(w, r)
				if w.status != http.StatusCreated {
					b.Fatalf("status %d", w.status)
				}
			}
			run(-1) // load the scripts; store the replayed response
			before := hook.n.Load()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				run(i)
				i++
			}
			b.ReportMetric(float64(hook.n.Load()-before)/float64(i), "roundtrips/op")
		})
	}
}

// idemDiscard is a ResponseWriter that keeps only the status.
type idemDiscard struct {
	h      http.Header
	status int
}

func (d *idemDiscard) Header() http.Header         { return d.h }
func (d *idemDiscard) WriteHeader(code int)        { d.status = code }
func (d *idemDiscard) Write(p []byte) (int, error) { return len(p), nil }
