package apierrhuma_test

import (
	gocontext "context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/idempotency"
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
	cat, err := fax.NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testKey, apierr.Principal{Tenant: "acme", Environment: "test"}); err != nil {
		t.Fatal(err)
	}
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

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func send(t *testing.T, srv *httptest.Server, method, path, body string, kv ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	rep := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &rep.body)
	return rep
}

// contract checks what every catalog error carries.
func contract(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.status != status || r.body["error"] != code {
		t.Fatalf("got %d %v, want %d %s: %s", r.status, r.body["error"], status, code, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	id := r.header.Get("X-Request-Id")
	if id == "" || r.body["request_id"] != id {
		t.Errorf("request id header %q, body %v", id, r.body["request_id"])
	}
	if docs, _ := r.body["docs"].(string); !strings.HasPrefix(docs, "https://mintfax.com/docs/errors/") {
		t.Errorf("docs %q", docs)
	}
}

func context(r reply) map[string]any {
	c, _ := r.body["context"].(map[string]any)
	return c
}

const goodFax = `{"to":"+14155550123","file":"JVBERi0xLjQK"}`

func TestHumaErrorsAreCatalogErrors(t *testing.T) {
	srv := newServer(t)
	auth := []string{"Authorization", "Bearer " + testKey}

	t.Run("unknown path is endpoint_not_found", func(t *testing.T) {
		contract(t, send(t, srv, "GET", "/nowhere", ""), 404, "endpoint_not_found")
	})
	t.Run("wrong method is method_not_allowed with Allow", func(t *testing.T) {
		r := send(t, srv, "DELETE", "/fax", "")
		contract(t, r, 405, "method_not_allowed")
		if !strings.Contains(r.header.Get("Allow"), "POST") {
			t.Errorf("Allow %q", r.header.Get("Allow"))
		}
	})
	t.Run("huma.Error404NotFound is not_found with its message as detail", func(t *testing.T) {
		r := send(t, srv, "GET", "/fax/fax_nope", "")
		contract(t, r, 404, "not_found")
		if r.body["detail"] != "no such fax" {
			t.Errorf("%s", r.raw)
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
		if r.status != 503 || r.header.Get("Retry-After") == "" || strings.Contains(r.raw, "db down") {
			t.Fatalf("%d %v %s", r.status, r.header, r.raw)
		}
	})
	t.Run("panic is internal, no detail", func(t *testing.T) {
		r := send(t, srv, "GET", "/panic", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.raw, "boom") {
			t.Errorf("panic leaked: %s", r.raw)
		}
	})
	t.Run("a plain error is internal, its text in the log only", func(t *testing.T) {
		r := send(t, srv, "GET", "/plain-error", "")
		contract(t, r, 500, "internal_server_error")
		if strings.Contains(r.raw, "secret") {
			t.Errorf("leaked: %s", r.raw)
		}
	})
	t.Run("auth missing", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", goodFax)
		contract(t, r, 401, "api_key_missing")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("no challenge")
		}
	})
	t.Run("auth invalid", func(t *testing.T) {
		contract(t, send(t, srv, "POST", "/fax", goodFax, "Authorization", "Bearer fx_test_nope_0000000000000000"), 401, "api_key_invalid")
	})
	t.Run("a body that is not JSON is bad_request", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", "{\n\"to\": ,}", auth...)
		contract(t, r, 400, "bad_request")
		if strings.Contains(r.raw, "\"to\": ,") {
			t.Errorf("body echoed: %s", r.raw)
		}
	})
	t.Run("a value of the wrong type is validation_failed naming the field (huma validates the schema)", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"+14155550123","file":"eA==","pages":"two"}`, auth...)
		contract(t, r, 422, "validation_failed")
		if errs, _ := context(r)["errors"].(map[string]any); errs["pages"] == nil {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("validation lists every field by its JSON name", func(t *testing.T) {
		r := send(t, srv, "POST", "/fax", `{"to":"0123","pages":99}`, auth...)
		contract(t, r, 422, "validation_failed")
		errs, _ := context(r)["errors"].(map[string]any)
		for _, f := range []string{"to", "file", "pages"} {
			if errs[f] == nil {
				t.Errorf("no error for %s: %s", f, r.raw)
			}
		}
	})
	t.Run("a query parameter of the wrong type is validation_failed naming it", func(t *testing.T) {
		r := send(t, srv, "GET", "/items?limit=lots", "")
		contract(t, r, 422, "validation_failed")
		if errs, _ := context(r)["errors"].(map[string]any); errs["limit"] == nil {
			t.Errorf("%s", r.raw)
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
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("rate limit is 429 with Retry-After", func(t *testing.T) {
		var r reply
		for range 4 {
			r = send(t, srv, "GET", "/limited", "", auth...)
		}
		contract(t, r, 429, "rate_limit_exceeded")
		if r.header.Get("Retry-After") == "" || r.header.Get("RateLimit-Policy") == "" {
			t.Errorf("headers %v", r.header)
		}
	})
	t.Run("idempotency replays and refuses a reused key", func(t *testing.T) {
		key := []string{"Idempotency-Key", "huma-1"}
		first := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", goodFax, append(auth, key...)...)
		if first.status != 201 || again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || again.raw != first.raw {
			t.Fatalf("first %d %s, again %d %v %s", first.status, first.raw, again.status, again.header, again.raw)
		}
		contract(t, send(t, srv, "POST", "/fax", `{"to":"+14155550199","file":"eA=="}`, append(auth, key...)...), 422, "idempotency_key_reused")
	})
	t.Run("idempotency stores a handler's business error", func(t *testing.T) {
		key := []string{"Idempotency-Key", "huma-402"}
		body := `{"to":"+14155550402","file":"eA=="}`
		first := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		again := send(t, srv, "POST", "/fax", body, append(auth, key...)...)
		contract(t, first, 402, "insufficient_balance")
		if again.status != 402 || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("again %d %v", again.status, again.header)
		}
	})
}

func TestHumaOpenAPIUsesTheCatalogSchema(t *testing.T) {
	srv := newServer(t)
	r := send(t, srv, "GET", "/openapi.json", "")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
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
	if err := json.Unmarshal([]byte(r.raw), &doc); err != nil {
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
		t.Fatalf("no default response: %s", r.raw)
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
