package apierrhuma_test

import (
	gocontext "context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/adaptertest"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

var quiet = slog.New(slog.DiscardHandler)

const testKey = "fx_test_echo_0123456789abcdef"

type sendFaxInput struct {
	Body struct {
		To    string `json:"to" pattern:"^\\+[1-9]\\d{1,14}$" doc:"E.164 number"`
		File  string `json:"file" contentEncoding:"base64"`
		Pages int    `json:"pages,omitempty" minimum:"1" maximum:"50"`
	}
}

type faxOutput struct {
	Body struct {
		ID string `json:"id"`
		To string `json:"to"`
	}
}

type empty struct{}

// newServer serves a huma app (humago on a ServeMux) with apierr
// configured, on a real server.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	cat, keys := adaptertest.Fax(t, testKey)
	auth := apierrhuma.Middleware(auth.New(auth.Config{Keys: keys, Realm: "fax"}))
	limit := ratelimit.New(ratelimit.Config{Policies: []ratelimit.Policy{ratelimit.PerMinute(3)}, Key: ratelimit.ByKeyID})
	once := apierrhuma.Middleware(idempotency.New(idempotency.Config{}))

	mux := http.NewServeMux()
	api := humago.New(mux, apierrhuma.Configure(huma.DefaultConfig("Fax API", "1.0.0"), cat))
	huma.Register(api, huma.Operation{Method: http.MethodPost, Path: "/fax", DefaultStatus: http.StatusCreated,
		Middlewares: huma.Middlewares{auth, once}},
		func(ctx gocontext.Context, in *sendFaxInput) (*faxOutput, error) {
			if strings.HasSuffix(in.Body.To, "0402") {
				return nil, apierr.New("insufficient_balance").With("available", 0).With("required", 10)
			}
			out := &faxOutput{}
			out.Body.ID, out.Body.To = "fax_1", in.Body.To
			return out, nil
		})
	huma.Register(api, huma.Operation{Method: http.MethodGet, Path: "/limited",
		Middlewares: huma.Middlewares{auth, apierrhuma.Middleware(limit.Middleware)}},
		func(ctx gocontext.Context, _ *empty) (*empty, error) { return nil, nil })
	huma.Get(api, "/fax/{id}", func(ctx gocontext.Context, in *struct {
		ID string `path:"id"`
	}) (*faxOutput, error) {
		return nil, huma.Error404NotFound("no such fax")
	})
	huma.Get(api, "/forbidden", func(ctx gocontext.Context, _ *empty) (*empty, error) {
		return nil, huma.Error403Forbidden("no")
	})
	huma.Get(api, "/teapot", func(ctx gocontext.Context, _ *empty) (*empty, error) {
		return nil, huma.NewError(http.StatusTeapot, "")
	})
	huma.Get(api, "/unavailable", func(ctx gocontext.Context, _ *empty) (*empty, error) {
		return nil, huma.Error503ServiceUnavailable("db down")
	})
	huma.Get(api, "/panic", func(ctx gocontext.Context, _ *empty) (*empty, error) { panic("boom") })
	huma.Get(api, "/plain-error", func(ctx gocontext.Context, _ *empty) (*empty, error) {
		return nil, errors.New("secret detail")
	})
	huma.Get(api, "/items", func(ctx gocontext.Context, in *struct {
		Limit int `query:"limit" maximum:"100"`
	}) (*empty, error) {
		return nil, nil
	})
	srv := httptest.NewServer(middleware.Stack(cat, middleware.WithLogger(quiet))(mux))
	t.Cleanup(srv.Close)
	return srv
}

type reply = adaptertest.Reply

func send(t *testing.T, srv *httptest.Server, method, path, body string, kv ...string) reply {
	t.Helper()
	return adaptertest.Send(t, srv.Client(), srv.URL, method, path, body, kv...)
}

// contract checks what every catalog error carries.
func contract(t *testing.T, r reply, status int, code string) {
	t.Helper()
	adaptertest.Contract(t, r, status, code)
}

func context(r reply) map[string]any { return r.Context() }

const goodFax = adaptertest.GoodFax

func TestHumaErrorsAreCatalogErrors(t *testing.T) {
	srv := newServer(t)
	auth := []string{"Authorization", "Bearer " + testKey}

	t.Run("unknown path is endpoint_not_found", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/nowhere", ""), 404, "endpoint_not_found")
	})
	t.Run("wrong method is method_not_allowed with Allow", func(t *testing.T) {
		r := send(t, srv, "DELETE", "/fax", "")
		contract(t, r, 405, "method_not_allowed")
		if !strings.Contains(r.Header.Get("Allow"), "POST") {
			t.Errorf("Allow %q", r.Header.Get("Allow"))
		}
	})
	t.Run("huma.Error404NotFound is not_found with its message as detail", func(t *testing.T) {
		r := send(t, srv, "GET", "/fax/fax_nope", "")
		contract(t, r, 404, "not_found")
		if r.Body["detail"] != "no such fax" {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("huma.Error403Forbidden is forbidden", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/forbidden", ""), 403, "forbidden")
	})
	t.Run("huma.NewError of an unmapped 4xx keeps its status", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/teapot", ""), 418, "bad_request")
	})
	t.Run("huma.Error503ServiceUnavailable is unavailable with Retry-After, its message logged only", func(t *testing.T) {
		r := send(t, srv, "GET", "/unavailable", "")
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || strings.Contains(r.Raw, "db down") {
			t.Fatalf("%d %v %s", r.Status, r.Header, r.Raw)
		}
	})
	t.Run("panic is internal, no detail", func(t *testing.T) {
		r := send(t, srv, "GET", "/panic", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.Raw, "boom") {
			t.Errorf("panic leaked: %s", r.Raw)
		}
	})
	t.Run("a plain error is internal, its text in the log only", func(t *testing.T) {
		r := send(t, srv, "GET", "/plain-error", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.Raw, "secret") {
			t.Errorf("leaked: %s", r.Raw)
		}
	})
	t.Run("auth missing", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", goodFax)
		contract(t, r, 401, "api_key_missing")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("no challenge")
		}
	})
	t.Run("auth invalid", func(t *testing.T) {
		contract(t, send(t, srv, "POST", "/fax", goodFax, "Authorization", "Bearer fx_test_nope_0000000000000000"), 401, "api_key_invalid")
	})
	t.Run("a body that is not JSON is bad_request", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", "{\n\"to\": ,}", auth...)
		contract(t, r, 400, "bad_request")
		if strings.Contains(r.Raw, "\"to\": ,") {
			t.Errorf("body echoed: %s", r.Raw)
		}
	})
	t.Run("a value of the wrong type is validation_failed naming the field (huma validates the schema)", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"+14155550123","file":"eA==","pages":"two"}`, auth...)
		contract(t, r, 422, "validation_failed")
		if errs, _ := context(r)["errors"].(map[string]any); errs["pages"] == nil {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("validation lists every field by its JSON name", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"0123","pages":99}`, auth...)
		contract(t, r, 422, "validation_failed")
		errs, _ := context(r)["errors"].(map[string]any)
		for _, f := range []string{"to", "file", "pages"} {
			if errs[f] == nil {
				t.Errorf("no error for %s: %s", f, r.Raw)
			}
		}
	})
	t.Run("a query parameter of the wrong type is validation_failed naming it", func(t *testing.T) {
		r := send(t, srv, "GET", "/items?limit=lots", "")
		contract(t, r, 422, "validation_failed")
		if errs, _ := context(r)["errors"].(map[string]any); errs["limit"] == nil {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("a query parameter over its limit is validation_failed", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/items?limit=500", ""), 422, "validation_failed")
	})
	t.Run("wrong content type is bad_request", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", goodFax, append(auth, "Content-Type", "text/plain")...)
		contract(t, r, 400, "bad_request")
	})
	t.Run("a handler's *apierr.Error renders natively", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"+14155550402","file":"eA=="}`, auth...)
		contract(t, r, 402, "insufficient_balance")
		if context(r)["available"] != float64(0) {
			t.Errorf("%s", r.Raw)
		}
	})
	t.Run("rate limit is 429 with Retry-After", func(t *testing.T) {
		var r reply
		for range 4 {
			r = send(t, srv, "GET", "/limited", "", auth...)
		}
		contract(t, r, 429, "rate_limit_exceeded")
		if r.Header.Get("Retry-After") == "" || r.Header.Get("RateLimit-Policy") == "" {
			t.Errorf("headers %v", r.Header)
		}
	})
	t.Run("idempotency replays and refuses a reused key", func(t *testing.T) {
		key := []string{"Idempotency-Key", "huma-1"}
		first := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		if first.Status != 201 || again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || again.Raw != first.Raw {
			t.Fatalf("first %d %s, again %d %v %s", first.Status, first.Raw, again.Status, again.Header, again.Raw)
		}
		contract(t, send(t, srv, "POST", "/fax", `{"to":"+14155550199","file":"eA=="}`, append(auth, key...)...), 422, "idempotency_key_reused")
	})
	t.Run("idempotency stores a handler's business error", func(t *testing.T) {
		key := []string{"Idempotency-Key", "huma-402"}
		body := `{"to":"+14155550402","file":"eA=="}`
		first := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		contract(t, first, 402, "insufficient_balance")
		if again.Status != 402 || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("again %d %v", again.Status, again.Header)
		}
	})
}

func TestHumaOpenAPIUsesTheCatalogSchema(t *testing.T) {
	srv := newServer(t)
	r := send(t, srv, "GET", "/openapi.json", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref        string         `json:"$ref"`
						Properties map[string]any `json:"properties"`
						Required   []string       `json:"required"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Components.Schemas["ErrorModel"] != nil {
		t.Error("huma's ErrorModel is still in the components")
	}
	if doc.Components.Schemas["FieldErrors"] == nil {
		t.Error("the catalog's FieldErrors schema, which its error schema refers to, is missing")
	}
	resp, ok := doc.Paths["/fax"]["post"].Responses["default"]
	if !ok {
		t.Fatalf("no default response: %s", r.Raw)
	}
	s := resp.Content["application/json"].Schema
	for _, member := range []string{"error", "message", "action", "docs", "context", "request_id"} {
		if s.Properties[member] == nil {
			t.Errorf("error schema has no %q: %+v", member, s)
		}
	}
	if strings.Join(s.Required, ",") != "error,message" {
		t.Errorf("required %v", s.Required)
	}
}
