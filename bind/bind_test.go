package bind_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/middleware"
)

type participant struct {
	Number string `json:"number" validate:"required,e164"`
	Name   string `json:"name"`
}

type lineItem struct {
	SKU string `json:"sku" validate:"required"`
	Qty int    `json:"qty" validate:"min=1"`
}

type sendFax struct {
	To          string      `json:"to" validate:"required,e164"`
	File        string      `json:"file" validate:"required"`
	Quality     string      `json:"quality" validate:"omitempty,oneof=standard fine"`
	CallbackID  string      `json:"callback_id" validate:"omitempty,uuid"`
	Priority    string      `json:"priority" validate:"omitempty,fax_priority"`
	Participant participant `json:"participant"`
	Items       []lineItem  `json:"items" validate:"dive"`
	Pages       int         `json:"pages"`
}

// faxBinder has the fax API's one enum.
var faxBinder = func() *bind.Binder {
	b, err := bind.New(bind.Config{Enums: map[string][]string{"fax_priority": {"low", "normal", "high"}}})
	if err != nil {
		panic(err)
	}
	return b
}()

const validFax = `{"to":"+14155550100","file":"f.pdf","participant":{"number":"+442071838750"},"items":[{"sku":"a","qty":1}]}`

func bindHandler(opts ...bind.Option) http.Handler {
	return apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req sendFax
		if err := faxBinder.JSON(r, &req, opts...); err != nil {
			return err
		}
		fmt.Fprintf(w, "ok %s", req.To)
		return nil
	})
}

func TestBind(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		body    string
		status  int
		cond    apierr.Condition
		context map[string]any      // expected members of context
		fields  map[string][]string // expected context.errors
		detail  string              // substring of detail
		message string              // exact message
	}{
		{name: "valid", path: "/fax", body: validFax, status: 200},
		{name: "syntax error", path: "/fax", body: "{\n  \"to\": \"+1\",\n  \"file\": }", status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"line": 3.0, "column": 11.0}, detail: "not valid JSON"},
		{name: "truncated", path: "/fax", body: `{"to": "+1`, status: 400, cond: apierr.CondMalformedBody, detail: "ends too early"},
		{name: "wrong type nested", path: "/fax", body: `{"participant":{"number":5}}`, status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"field": "participant.number", "expected": "string"}, detail: "participant.number must be a string, not a number"},
		{name: "wrong type in slice", path: "/fax", body: `{"items":[{"sku":"a"},{"sku":"b","qty":"two"}]}`, status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"field": "items[1].qty", "expected": "integer"}},
		{name: "object for a string", path: "/fax", body: `{"to":{"a":1}}`, status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"field": "to", "expected": "string"}},
		{name: "integer out of range", path: "/fax", body: `{"pages":1e99}`, status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"field": "pages", "expected": "integer"}, detail: "out of range"},
		{name: "unknown field allowed by default", path: "/fax", body: strings.Replace(validFax, `"to"`, `"extra":1,"to"`, 1), status: 200},
		{name: "unknown field rejected on opt-in", path: "/strict", body: strings.Replace(validFax, `"to"`, `"extra":1,"to"`, 1), status: 400,
			cond: apierr.CondMalformedBody, context: map[string]any{"field": "extra"}, detail: "unknown field: extra"},
		{name: "trailing data", path: "/fax", body: validFax + ` {"again":1}`, status: 400, cond: apierr.CondMalformedBody, detail: "after the JSON value"},
		{name: "trailing data strict", path: "/strict", body: validFax + ` x`, status: 400, cond: apierr.CondMalformedBody, detail: "after the JSON value"},
		{name: "empty body", path: "/fax", body: "", status: 400, cond: apierr.CondMalformedBody, detail: "empty"},
		{name: "whitespace body", path: "/fax", body: " \n ", status: 400, cond: apierr.CondMalformedBody, detail: "empty"},
		{name: "invalid utf-8", path: "/fax", body: "{\"to\":\"+1\xff\"}", status: 400, cond: apierr.CondMalformedBody, detail: "UTF-8"},
		{name: "too deep", path: "/fax", body: strings.Repeat("[", 100) + strings.Repeat("]", 100), status: 400, cond: apierr.CondMalformedBody,
			context: map[string]any{"max_depth": 32.0}},
		{name: "too large", path: "/small", body: validFax, status: fs(apierr.CondPayloadTooLarge), cond: apierr.CondPayloadTooLarge, context: map[string]any{"limit_bytes": 16.0}},
		{name: "every violation at once", path: "/fax", status: 422, cond: apierr.CondValidationFailed,
			body:    `{"quality":"ultra","callback_id":"nope","priority":"urgent","participant":{"number":"0044 20"},"items":[{"sku":"a","qty":1},{"sku":"b","qty":1},{"qty":0}]}`,
			message: "The to field is required. (and 7 more errors)",
			fields: map[string][]string{
				"to":                 {"The to field is required."},
				"file":               {"The file field is required."},
				"quality":            {"quality must be one of: standard, fine."},
				"callback_id":        {"callback_id must be a valid UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)."},
				"priority":           {"priority must be one of: low, normal, high."},
				"participant.number": {"participant.number must be in E.164 format (e.g. +1234567890)."},
				"items[2].sku":       {"The items[2].sku field is required."},
				"items[2].qty":       {"items[2].qty must be at least 1."},
			}},
		{name: "e164 too long", path: "/fax", status: 422, cond: apierr.CondValidationFailed,
			body: strings.Replace(validFax, "+14155550100", "+1234567890123456", 1),
			// The fax catalog words to.e164 itself (field_messages), which wins.
			fields: map[string][]string{"to": {"The to field must be a phone number in E.164 format, such as +14155550123."}}},
	}
	for _, kind := range routerKinds {
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
			route{"POST /fax", bindHandler()},
			route{"POST /strict", bindHandler(bind.DisallowUnknownFields())},
			route{"POST /small", bindHandler(bind.MaxBytes(16))},
		))
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				res := do(t, newReq(t, "POST", srv.URL+tt.path, strings.NewReader(tt.body), "Content-Type", "application/json"))
				if tt.status == 200 {
					if res.status != 200 {
						t.Fatalf("got %d %s", res.status, res.body)
					}
					return
				}
				checkCatalogError(t, res, tt.status, fc(tt.cond))
				ctx := res.context()
				for k, v := range tt.context {
					if ctx[k] != v {
						t.Errorf("context.%s = %v, want %v (body %s)", k, ctx[k], v, res.body)
					}
				}
				if !strings.Contains(res.str("detail"), tt.detail) {
					t.Errorf("detail = %q, want %q", res.str("detail"), tt.detail)
				}
				if tt.message != "" && res.str("message") != tt.message {
					t.Errorf("message = %q, want %q", res.str("message"), tt.message)
				}
				if tt.fields != nil {
					got, _ := ctx["errors"].(map[string]any)
					if len(got) != len(tt.fields) {
						t.Errorf("fields = %v, want %v", got, tt.fields)
					}
					for f, msgs := range tt.fields {
						g, _ := got[f].([]any)
						if len(g) != 1 || g[0] != msgs[0] {
							t.Errorf("field %s = %v, want %v", f, g, msgs)
						}
					}
				}
			})
		}
	}
}

// A catalog can bind a validation rule to its own code (seed 003).
func TestBindRuleCodes(t *testing.T) {
	cat, err := apierr.Load([]byte(`name: calls
format: problem
codes:
  VALIDATION_ERROR: {status: 422, message: Validation failed, condition: validation_failed}
  INVALID_FORMAT: {status: 422, message: Validation failed, rules: [e164]}
  INVALID_UUID: {status: 422, message: Validation failed, rules: [uuid]}
`), "calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type startCall struct {
		AgentID     string      `json:"agentId" validate:"required,uuid"`
		Participant participant `json:"participant"`
	}
	h := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req startCall
		return bind.JSON(r, &req)
	})
	srv := serve(t, middleware.Stack(cat, middleware.WithLogger(discardLogger()))(h))
	for _, tc := range []struct{ body, code, field, rule string }{
		{`{"agentId":"x","participant":{"number":"+14155550100"}}`, "INVALID_UUID", "agentId", "uuid"},
		{`{"agentId":"550e8400-e29b-41d4-a716-446655440000","participant":{"number":"12"}}`, "INVALID_FORMAT", "participant.number", "e164"},
		{`{"participant":{"number":"+14155550100"}}`, "VALIDATION_ERROR", "agentId", "required"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			res := do(t, newReq(t, "POST", srv.URL, strings.NewReader(tc.body)))
			if res.status != 422 || res.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("got %d %s", res.status, res.body)
			}
			if !strings.Contains(string(res.body), `"code":"`+tc.code+`"`) ||
				!strings.Contains(string(res.body), `"field":"`+tc.field+`"`) ||
				!strings.Contains(string(res.body), `"rule":"`+tc.rule+`"`) {
				t.Errorf("body %s, want code %s field %s rule %s", res.body, tc.code, tc.field, tc.rule)
			}
		})
	}
}

func TestBodyLimitAndContentType(t *testing.T) {
	for _, kind := range routerKinds {
		srv := serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(discardLogger())),
			route{"POST /fax", middleware.BodyLimit(256)(middleware.RequireContentType("application/json", "application/*+json")(bindHandler()))},
			route{"POST /raw", middleware.BodyLimit(10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				buf := make([]byte, 100)
				for {
					if _, err := r.Body.Read(buf); err != nil {
						http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
						return
					}
				}
			}))},
		))
		tests := []struct {
			name, path, ct, body string
			chunked              bool
			status               int
			cond                 apierr.Condition
			context              map[string]any
		}{
			{name: "declared length over the limit", path: "/fax", ct: "application/json", body: strings.Repeat(" ", 300) + validFax, status: 413, cond: apierr.CondPayloadTooLarge, context: map[string]any{"limit_bytes": 256.0}},
			{name: "chunked body over the limit", path: "/fax", ct: "application/json", body: strings.Repeat(" ", 300) + validFax, chunked: true, status: 413, cond: apierr.CondPayloadTooLarge, context: map[string]any{"limit_bytes": 256.0}},
			{name: "http.Error after MaxBytesReader", path: "/raw", body: strings.Repeat("x", 50), status: 413, cond: apierr.CondPayloadTooLarge, context: map[string]any{"limit_bytes": 10.0}},
			{name: "text/plain refused", path: "/fax", ct: "text/plain", body: "{}", status: 415, cond: apierr.CondUnsupportedMediaType},
			{name: "no content type refused", path: "/fax", body: "{}", status: 415, cond: apierr.CondUnsupportedMediaType},
			{name: "garbage content type refused", path: "/fax", ct: ";;;", body: "{}", status: 415, cond: apierr.CondUnsupportedMediaType},
			{name: "json with charset accepted", path: "/fax", ct: "application/json; charset=utf-8", body: validFax, status: 200},
			{name: "vendor json accepted", path: "/fax", ct: "application/vnd.api+json", body: validFax, status: 200},
		}
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				var body = strings.NewReader(tt.body)
				req := newReq(t, "POST", srv.URL+tt.path, body)
				if tt.chunked {
					req = newReq(t, "POST", srv.URL+tt.path, struct{ *strings.Reader }{body})
				}
				if tt.ct != "" {
					req.Header.Set("Content-Type", tt.ct)
				}
				res := do(t, req)
				if tt.status == 200 {
					if res.status != 200 {
						t.Fatalf("got %d %s", res.status, res.body)
					}
					return
				}
				checkCatalogError(t, res, faxCatalog(t).StatusOf(tt.cond), fc(tt.cond))
				for k, v := range tt.context {
					if res.context()[k] != v {
						t.Errorf("context.%s = %v, want %v (%s)", k, res.context()[k], v, res.body)
					}
				}
			})
		}
	}
}
