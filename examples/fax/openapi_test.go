package fax

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateOpenAPI = flag.Bool("update-openapi", false, "TestOpenAPIServed: rewrite testdata/openapi.json")

// TestOpenAPIServed: GET /openapi.json answers without a key with the
// complete document (every route of routes.go, success schemas too) in
// which POST /fax lists insufficient_balance and validation_failed among
// its codes and DELETE /fax/{id} lists fax_not_terminal. interop/docgen
// validates the same document with kin-openapi and decodes the demo's
// bodies with the types oapi-codegen generates from it.
func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, Config{})
	resp, err := http.Get(e.http.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "openapi.json")
	if *updateOpenAPI {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(want, body) {
		t.Errorf("GET /openapi.json differs from %s, which .ci/run lints with Redocly (go test ./examples/fax -run OpenAPIServed -update-openapi, and review the diff): %v", golden, err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Comps.Schemas["Fax"] == nil || doc.Comps.Schemas["Balance"] == nil {
		t.Fatalf("openapi %q, schemas %d", doc.OpenAPI, len(doc.Comps.Schemas))
	}
	for _, route := range []string{"POST /fax", "GET /fax/{id}", "DELETE /fax/{id}", "POST /fax/{id}/resend", "GET /fax/{id}/image", "GET /account/balance", "GET /openapi.json"} {
		method, path, _ := strings.Cut(route, " ")
		if doc.Paths[path][strings.ToLower(method)] == nil {
			t.Errorf("no %s in the document", route)
		}
	}
	for _, tc := range []struct {
		route string
		codes []string
	}{
		{"POST /fax", []string{"insufficient_balance", "validation_failed", "bad_request", "api_key_missing", "rate_limit_exceeded"}},
		{"DELETE /fax/{id}", []string{"fax_not_terminal", "not_found"}},
	} {
		method, path, _ := strings.Cut(tc.route, " ")
		got := docCodes(t, body, path, strings.ToLower(method))
		for _, c := range tc.codes {
			if !slices.Contains(got, c) {
				t.Errorf("%s lists %v, not %s", tc.route, got, c)
			}
		}
		if tc.route == "DELETE /fax/{id}" && slices.Contains(got, "insufficient_balance") {
			t.Errorf("DELETE /fax/{id} lists insufficient_balance: %v", got)
		}
	}
}

// docCodes returns the codes the error responses of one operation admit:
// the code member's enums of the schemas its responses' oneOf lists.
func docCodes(t *testing.T, doc []byte, path, method string) []string {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	ptr := func(ref string) map[string]any {
		var cur any = d
		for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[p]
		}
		return cur.(map[string]any)
	}
	op := d["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	var codes []string
	for st, r := range op["responses"].(map[string]any) {
		if st < "400" {
			continue
		}
		resp := ptr(r.(map[string]any)["$ref"].(string))
		schema := ptr(resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string))
		for _, v := range schema["oneOf"].([]any) {
			variant := ptr(v.(map[string]any)["$ref"].(string))
			restrict := variant["allOf"].([]any)[1].(map[string]any)
			for _, c := range restrict["properties"].(map[string]any)["error"].(map[string]any)["enum"].([]any) {
				codes = append(codes, c.(string))
			}
		}
	}
	return codes
}
