package docgen_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	// The generated types' oneOf methods import the runtime: it must be in
	// this module's go.mod for the generated package to build offline.
	_ "github.com/oapi-codegen/runtime"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/fax"
)

// demo starts the fax demo over real HTTP and returns its URL.
func demo(t *testing.T) string {
	t.Helper()
	srv, err := fax.NewDemo(fax.Config{RatePerSecond: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func fetch(t *testing.T, method, url, key, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestMergedDocumentsValidate: the OpenAPI documents `apierr openapi
// --merge` wrote into the OpenAPI Initiative's 3.0 petstores (YAML and
// JSON) and our 3.1 one (docgen/testdata/merge, kept by docgen's golden
// test), and the demo's served /openapi.json, load and validate with
// kin-openapi, examples included; every added response is there.
func TestMergedDocumentsValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "docgen/testdata/merge/*.merged.*"))
	if err != nil || len(files) != 3 {
		t.Fatalf("merged petstores: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc := validate(t, data)
			op := doc.Paths.Find("/pets").Post
			if op == nil || op.Responses.Status(401) == nil || op.Responses.Status(429) == nil {
				t.Fatal("POST /pets has no 401 or 429")
			}
			if h := op.Responses.Status(429).Value.Headers; h["Retry-After"] == nil || h["RateLimit"] == nil {
				t.Errorf("429 headers %v", h)
			}
		})
	}
	t.Run("demo /openapi.json", func(t *testing.T) {
		base := demo(t)
		st, body := fetch(t, "GET", base+"/openapi.json", "", "", "")
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		doc := validate(t, body)
		if !doc.IsOpenAPI31OrLater() || doc.Paths.Find("/fax/{id}/image") == nil {
			t.Fatalf("openapi %s, paths %v", doc.OpenAPI, doc.Paths.InMatchingOrder())
		}
	})
}

// demoBody is a real error body of the demo, the operation and status that
// answered it, and the code it carries.
type demoBody struct {
	method, path string
	status       int
	code         string
	body         []byte
}

// demoBodies sends the demo requests that fail in the ways the seed
// documents and returns what it answered.
func demoBodies(t *testing.T, base string) []demoBody {
	t.Helper()
	pdf := base64.StdEncoding.EncodeToString(fax.DemoPDF())
	valid := `{"to":"+14155550123","file":"` + pdf + `"}`
	var out []demoBody
	add := func(method, path string, want int, code, key, ct, body string) string {
		st, b := fetch(t, method, base+strings.ReplaceAll(path, "{id}", "fax_0123456789abcdef01234567"), key, ct, body)
		if st != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, st, b, want)
		}
		if want < 400 {
			var f struct{ ID string }
			_ = json.Unmarshal(b, &f)
			return f.ID
		}
		out = append(out, demoBody{method, path, st, code, b})
		return ""
	}
	add("GET", "/account/balance", 401, "api_key_missing", "", "", "")
	add("POST", "/fax", 400, "bad_request", fax.DemoSandboxKey, "application/json", `{"to":`)
	add("POST", "/fax", 422, "validation_failed", fax.DemoSandboxKey, "application/json", `{}`)
	add("POST", "/fax", 402, "insufficient_balance", fax.DemoLiveKey, "application/json", valid)
	add("GET", "/fax/{id}", 404, "not_found", fax.DemoSandboxKey, "", "")
	id := add("POST", "/fax", 201, "", fax.DemoSandboxKey, "application/json", valid)
	st, b := fetch(t, "DELETE", base+"/fax/"+id, fax.DemoSandboxKey, "", "")
	if st != 409 {
		t.Fatalf("DELETE a queued fax: %d %s", st, b)
	}
	out = append(out, demoBody{"DELETE", "/fax/{id}", 409, "fax_not_terminal", b})
	return out
}

// TestDemoBodiesMatchTheirOperation: each real error body of the demo
// validates (kin-openapi) against the schema its operation's document
// gives for its status, and not against another operation's: the 409 of
// DELETE /fax/{id} (fax_not_terminal) is refused by POST /fax's 422.
func TestDemoBodiesMatchTheirOperation(t *testing.T) {
	base := demo(t)
	_, raw := fetch(t, "GET", base+"/openapi.json", "", "", "")
	doc := validate(t, raw)
	schema := func(method, path string, status int) *openapi3.Schema {
		op := doc.Paths.Find(path).GetOperation(method)
		r := op.Responses.Status(status)
		if r == nil {
			t.Fatalf("%s %s declares no %d", method, path, status)
		}
		return r.Value.Content["application/json"].Schema.Value
	}
	for _, b := range demoBodies(t, base) {
		var v any
		if err := json.Unmarshal(b.body, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema(b.method, b.path, b.status).VisitJSON(v); err != nil {
			t.Errorf("%s %s %d %s does not match its schema: %v", b.method, b.path, b.status, b.body, err)
		}
	}
	var conflict any
	_ = json.Unmarshal([]byte(`{"error":"fax_not_terminal","message":"m"}`), &conflict)
	if schema("POST", "/fax", 422).VisitJSON(conflict) == nil {
		t.Error("POST /fax's 422 schema admits fax_not_terminal")
	}
}

// generateTypes runs oapi-codegen's generator as `oapi-codegen -generate
// types -package NAME` does, default settings (pruning included).
func generateTypes(t *testing.T, spec []byte, pkg string) string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	cfg := codegen.Configuration{PackageName: pkg, Generate: codegen.GenerateOptions{Models: true}}.UpdateDefaults()
	code, err := codegen.Generate(doc, cfg)
	if err != nil {
		t.Fatalf("oapi-codegen: %v", err)
	}
	return code
}

// TestOapiCodegenKeepsComponents: oapi-codegen (types, default settings)
// keeps the components-only output of `apierr openapi` because its
// placeholder operation refers to every response; the same document
// without that operation gives an empty file, which is what the placeholder
// is for.
func TestOapiCodegenKeepsComponents(t *testing.T) {
	cat := faxCatalog(t)
	out, err := docgen.OpenAPI(cat, "json")
	if err != nil {
		t.Fatal(err)
	}
	code := generateTypes(t, out, "faxerrors")
	for _, want := range []string{"type Error struct", "type Problem struct", "type FieldErrors map[string][]string"} {
		if !strings.Contains(code, want) {
			t.Errorf("generated types lack %q:\n%.2000s", want, code)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "paths")
	bare, _ := json.Marshal(m)
	if code := generateTypes(t, bare, "faxerrors"); strings.Contains(code, "type Error struct") {
		t.Errorf("without the placeholder, oapi-codegen kept the components (pruning changed?)")
	}
}

// TestOapiCodegenDecodesDemoBodies: the types oapi-codegen generates (types,
// default settings) from the demo's /openapi.json compile, and decode the
// demo's real error bodies: each into its operation's union for its
// status, whose discriminator names the code and whose value is the code's
// own type. The generated package and a program decoding the bodies are
// built with go run inside this module (offline, from the module cache).
func TestOapiCodegenDecodesDemoBodies(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	base := demo(t)
	_, spec := fetch(t, "GET", base+"/openapi.json", "", "", "")
	code := generateTypes(t, spec, "faxapi")

	dir, err := os.MkdirTemp(".", "_oapigen-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.MkdirAll(filepath.Join(dir, "faxapi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "faxapi", "faxapi.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	var prog bytes.Buffer
	prog.WriteString("package main\n\nimport (\n\t\"encoding/json\"\n\t\"fmt\"\n\t\"os\"\n\n\t\"github.com/apierr/apierr/interop/docgen/" + filepath.Base(dir) + "/faxapi\"\n)\n\n")
	prog.WriteString("type union interface {\n\tDiscriminator() (string, error)\n\tValueByDiscriminator() (interface{}, error)\n}\n\n")
	prog.WriteString("func show(u union, body string) {\n\tif err := json.Unmarshal([]byte(body), u); err != nil {\n\t\tfmt.Println(\"decode:\", err)\n\t\tos.Exit(1)\n\t}\n\td, err := u.Discriminator()\n\tif err != nil {\n\t\tfmt.Println(\"discriminator:\", err)\n\t\tos.Exit(1)\n\t}\n\tv, err := u.ValueByDiscriminator()\n\tif err != nil {\n\t\tfmt.Println(\"value:\", err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Printf(\"%s %T\\n\", d, v)\n}\n\nfunc main() {\n")
	bodies := demoBodies(t, base)
	var want []string
	for _, b := range bodies {
		typ := opName(b.method, b.path) + strconv.Itoa(b.status) + "Error"
		fmt.Fprintf(&prog, "\tshow(new(faxapi.%s), %s)\n", typ, strconv.Quote(string(b.body)))
		want = append(want, b.code+" faxapi."+goName(b.code)+"Error")
	}
	prog.WriteString("}\n")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), prog.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*60e9)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "./"+dir)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, got)
	}
	if g, w := strings.TrimSpace(string(got)), strings.Join(want, "\n"); g != w {
		t.Errorf("decoded:\n%s\nwant:\n%s", g, w)
	}
}

// opName is the component name prefix the merge gives an operation.
func opName(method, path string) string {
	return map[string]string{
		"GET /account/balance": "GetBalance",
		"POST /fax":            "CreateFax",
		"GET /fax/{id}":        "GetFax",
		"DELETE /fax/{id}":     "DeleteFax",
	}[method+" "+path]
}

// goName is a code's PascalCase name.
func goName(code string) string {
	var b strings.Builder
	for _, w := range strings.Split(code, "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// faxCatalog is the demo's catalog.
func faxCatalog(t *testing.T) *apierr.Catalog {
	t.Helper()
	for _, ex := range exampleCatalogs(t) {
		if ex.name == "fax" {
			return ex.cat
		}
	}
	t.Fatal("no examples/fax")
	return nil
}
