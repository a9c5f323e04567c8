package idempotency_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
)

// TestThroughStack runs the middleware where it lives in an API: inside
// middleware.Stack (request ID, logger, recover, normalize) and behind
// auth.New with real API keys.
func TestThroughStack(t *testing.T) {
	cat := testCatalog(t)
	keys := auth.NewMemoryKeyStore()
	for key, tenant := range map[string]string{"sk_test_tenant_a_0001": "A", "sk_test_tenant_b_0001": "B"} {
		if err := keys.Add(key, apierr.Principal{Tenant: tenant, Environment: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	var runs atomic.Int64
	type sendFax struct {
		To     string `json:"to" validate:"required,e164"`
		Amount int    `json:"amount"`
	}
	handler := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req sendFax
		if err := bind.JSON(r, &req); err != nil {
			return err
		}
		n := runs.Add(1)
		if req.Amount > 100 {
			return apierr.New("insufficient_balance").With("required", req.Amount)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, err := w.Write([]byte(`{"id":"fax_` + strings.Repeat("x", int(n)) + `","tenant":"` + apierr.PrincipalFrom(r.Context()).Tenant + `"}`))
		return err
	})
	mux := http.NewServeMux()
	mux.Handle("POST /faxes", auth.New(auth.Config{Keys: keys})(
		idempotency.New(idempotency.Config{Required: true})(handler)))
	var logs bytes.Buffer
	srv := httptest.NewServer(middleware.Stack(cat, middleware.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))(mux))
	t.Cleanup(srv.Close)

	send := func(apiKey, idemKey, body string) response {
		t.Helper()
		r, _ := http.NewRequest("POST", srv.URL+"/faxes", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if apiKey != "" {
			r.Header.Set("Authorization", "Bearer "+apiKey)
		}
		if idemKey != "" {
			r.Header.Set("Idempotency-Key", idemKey)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return response{status: resp.StatusCode, header: resp.Header, body: string(got)}
	}
	const a, b = "sk_test_tenant_a_0001", "sk_test_tenant_b_0001"
	good := `{"to":"+15551234567"}`

	t.Run("unauthenticated request never reaches the key", func(t *testing.T) {
		if r := send("", "k1", good); r.status != 401 {
			t.Fatalf("no API key = %d %s", r.status, r.body)
		}
	})
	t.Run("missing key is a catalog 400", func(t *testing.T) {
		r := send(a, "", good)
		if r.status != 400 || !strings.Contains(r.body, `"error":"idempotency_key_missing"`) || r.header.Get("X-Request-Id") == "" {
			t.Fatalf("no Idempotency-Key = %d %s", r.status, r.body)
		}
	})
	t.Run("validation failure is not stored", func(t *testing.T) {
		if r := send(a, "k-valid", `{"to":"not a number"}`); r.status != 422 {
			t.Fatalf("invalid body = %d %s", r.status, r.body)
		}
		// The same key with the corrected body runs: the key was released.
		if r := send(a, "k-valid", good); r.status != 201 || r.header.Get(idempotency.ReplayedHeader) != "" {
			t.Fatalf("corrected retry = %d %s; want it to run", r.status, r.body)
		}
	})
	t.Run("replay and tenant isolation", func(t *testing.T) {
		first := send(a, "k-shared", good)
		other := send(b, "k-shared", good)
		again := send(a, "k-shared", good)
		if first.status != 201 || again.body != first.body || again.header.Get(idempotency.ReplayedHeader) != "true" {
			t.Fatalf("A: %d %q then %q", first.status, first.body, again.body)
		}
		if other.status != 201 || other.body == first.body || !strings.Contains(other.body, `"tenant":"B"`) {
			t.Fatalf("B got %q; A's was %q", other.body, first.body)
		}
		if again.header.Get("X-Request-Id") == first.header.Get("X-Request-Id") {
			t.Fatal("replay carries the original request's ID header; want its own")
		}
	})
	t.Run("business error replays unchanged through the normalizer", func(t *testing.T) {
		before := runs.Load()
		first := send(a, "k-poor", `{"to":"+15551234567","amount":500}`)
		again := send(a, "k-poor", `{"to":"+15551234567","amount":500}`)
		if first.status != 402 || again.status != 402 || again.body != first.body || runs.Load() != before+1 {
			t.Fatalf("insufficient_balance: %d %s then %d %s (runs +%d)", first.status, first.body, again.status, again.body, runs.Load()-before)
		}
		if n := strings.Count(logs.String(), "code=insufficient_balance"); n != 2 {
			t.Fatalf("insufficient_balance logged %d times; want the original and the replay:\n%s", n, logs.String())
		}
	})
	t.Run("in-flight and reused conflicts render as catalog errors", func(t *testing.T) {
		send(a, "k-body", good)
		r := send(a, "k-body", `{"to":"+15557654321"}`)
		if r.status != 422 || !strings.Contains(r.body, `"error":"idempotency_key_reused"`) {
			t.Fatalf("reused key = %d %s", r.status, r.body)
		}
	})
}
