package apierrfiber_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/middleware"
	"github.com/gofiber/fiber/v2"
)

// TestWrapNeedsNew: on an app New did not make, Wrap answers with an error
// that says so rather than running the middleware without a State.
func TestWrapNeedsNew(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", apierrfiber.Wrap(middleware.RequireContentType("application/json")), func(c *fiber.Ctx) error {
		return c.SendStatus(http.StatusNoContent)
	})
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// TestWrap runs apierr's net/http middleware on fiber routes through Wrap.
func TestWrap(t *testing.T) {
	base, _ := newServer(t)
	authz := []string{"Authorization", "Bearer " + testKey}
	t.Run("the State reaches handlers through UserContext", func(t *testing.T) {
		r := send(t, base, "GET", "/whoami", "", authz...)
		if r.Status != 200 || r.Body["tenant"] != "acme" || r.Body["request_id"] != r.Header.Get("X-Request-Id") {
			t.Fatalf("%d %v %s", r.Status, r.Header, r.Raw)
		}
	})
	t.Run("rate limit is 429 with Retry-After and the RateLimit fields", func(t *testing.T) {
		var r reply
		for i := range 4 {
			r = send(t, base, "GET", "/limited", "", authz...)
			if i < 3 && (r.Status != 204 || r.Header.Get("RateLimit-Policy") == "") {
				t.Fatalf("request %d: %d %v", i, r.Status, r.Header)
			}
		}
		contract(t, r, 429, "rate_limit_exceeded")
		if r.Header.Get("Retry-After") == "" || r.Header.Get("RateLimit-Policy") == "" || r.Header.Get("RateLimit") == "" {
			t.Errorf("headers %v", r.Header)
		}
	})
	t.Run("idempotency replays and refuses a reused key", func(t *testing.T) {
		key := []string{"Idempotency-Key", "fiber-1"}
		first := send(t, base, "POST", "/fax", goodFax, append(authz, key...)...)
		again := send(t, base, "POST", "/fax", goodFax, append(authz, key...)...)
		if first.Status != 201 || again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || again.Raw != first.Raw {
			t.Fatalf("first %d %s, again %d %v %s", first.Status, first.Raw, again.Status, again.Header, again.Raw)
		}
		contract(t, send(t, base, "POST", "/fax", `{"to":"+14155550199","file":"eA=="}`, append(authz, key...)...), 422, "idempotency_key_reused")
	})
	t.Run("idempotency stores a handler's business error", func(t *testing.T) {
		key := []string{"Idempotency-Key", "fiber-402"}
		body := `{"to":"+14155550402","file":"eA=="}`
		first := send(t, base, "POST", "/fax", body, append(authz, key...)...)
		again := send(t, base, "POST", "/fax", body, append(authz, key...)...)
		contract(t, first, 402, "insufficient_balance")
		if again.Status != 402 || again.Header.Get("Idempotent-Replayed") != "true" || again.Raw != first.Raw {
			t.Fatalf("again %d %v %s", again.Status, again.Header, again.Raw)
		}
	})
}
