package docgen_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// petstoreOps declares the petstores' operations (testdata/merge): the
// ids for the OAI documents' operationIds, paths for the rest.
func petstoreOps() []apierr.Operation {
	common := []string{"unauthenticated", "rate_limited", "internal_error", "unavailable"}
	with := func(codes ...string) []string { return append(append([]string{}, codes...), common...) }
	return []apierr.Operation{
		{Method: "GET", Path: "/pets", Codes: with("validation_failed")},
		{Method: "POST", Path: "/pets", Codes: with("bad_request", "validation_failed", "pet_name_taken")},
		{Method: "GET", Path: "/pets/{petId}", Codes: with("pet_not_found")},
		{Method: "DELETE", Path: "/pets/{id}", Codes: with("pet_not_found")},
		{Method: "PUT", Path: "/pets/{id}", Codes: with("pet_not_found")}, // in no document
	}
}

func loadPetstore(t testing.TB) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile(filepath.Join("testdata", "merge", "petstore-errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestMergeOpenAPIPetstores merges the petstore catalog into the OpenAPI
// Initiative's 3.0 petstores (YAML and JSON) and our 3.1 one: the output is
// golden (kin-openapi validates it and oapi-codegen builds it in
// interop/docgen, Redocly lints it in .ci/run), the document's own content
// is all still there, each notice is given, and merging again changes
// nothing.
func TestMergeOpenAPIPetstores(t *testing.T) {
	cat := loadPetstore(t)
	for _, tc := range []struct {
		in, out, version, format string
		notices                  []string
	}{
		{"petstore.yaml", "petstore.merged.yaml", "3.0.0", "yaml", []string{
			"DELETE /pets/{id}: declared in the catalog, not in the document: nothing added",
			"PUT /pets/{id}: declared in the catalog, not in the document: nothing added",
			"components.schemas.Error: the document has its own; the catalog's is PetstoreError",
		}},
		{"petstore-expanded.json", "petstore-expanded.merged.json", "3.0.0", "json", []string{
			"PUT /pets/{id}: declared in the catalog, not in the document: nothing added",
		}},
		{"petstore31.yaml", "petstore31.merged.yaml", "3.1.0", "yaml", []string{
			"POST /pets: kept the document's own 409 response",
			"GET /health: the catalog declares no errors for it: left as it was",
		}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "merge", tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := docgen.MergeOpenAPI(cat, in, docgen.MergeOptions{Operations: petstoreOps()})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "merge/"+tc.out, got.Data)
			if got.Version != tc.version || got.Format != tc.format || got.Responses == 0 {
				t.Errorf("version %q format %q responses %d", got.Version, got.Format, got.Responses)
			}
			for _, n := range tc.notices {
				if !contains(got.Notices, n) {
					t.Errorf("no notice %q in %q", n, got.Notices)
				}
			}
			// Everything the document had is still there, as it was.
			var before, after map[string]any
			if err := yaml.Unmarshal(in, &before); err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(got.Data, &after); err != nil {
				t.Fatal(err)
			}
			if missing := subset(before, after, ""); missing != "" {
				t.Errorf("the merge lost or changed %s", missing)
			}
			again, err := docgen.MergeOpenAPI(cat, got.Data, docgen.MergeOptions{Operations: petstoreOps()})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Data, got.Data) {
				t.Errorf("merging the merged document again changed it:\n%s", firstDiffBytes(got.Data, again.Data))
			}
		})
	}
}

// subset reports the first member of a that b lacks or holds otherwise.
func subset(a, b any, at string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return at + " (no longer an object)"
		}
		for k, v := range x {
			if _, ok := y[k]; !ok {
				return at + "." + k
			}
			if m := subset(v, y[k], at+"."+k); m != "" {
				return m
			}
		}
		return ""
	}
	if ja, jb := jsonOf(a), jsonOf(b); ja != jb {
		return at + ": " + ja + " became " + jb
	}
	return ""
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstDiffBytes(a, b []byte) string { return firstDiff(a, b) }

// TestMergeOpenAPIOperation checks one merged operation of the 3.1
// petstore: POST /pets's 422 is a $ref to a response whose schema admits
// only validation_failed, its 401 carries WWW-Authenticate, its 429
// Retry-After and the RateLimit headers; the statuses sit in order before
// the document's own.
func TestMergeOpenAPIOperation(t *testing.T) {
	cat := loadPetstore(t)
	in, _ := os.ReadFile(filepath.Join("testdata", "merge", "petstore31.yaml"))
	got, err := docgen.MergeOpenAPI(cat, in, docgen.MergeOptions{Operations: petstoreOps(), Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(got.Data, &doc); err != nil {
		t.Fatalf("JSON output: %v", err)
	}
	get := func(v any, path ...string) any {
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %q", path, p)
			}
			v = m[p]
		}
		return v
	}
	ref := func(r any) any {
		s, _ := get(r, "$ref").(string)
		parts := strings.Split(strings.TrimPrefix(s, "#/"), "/")
		return get(doc, parts...)
	}
	post := get(doc, "paths", "/pets", "post", "responses")
	r422 := ref(get(post, "422"))
	schema := ref(get(r422, "content", "application/json", "schema"))
	oneOf := get(schema, "oneOf").([]any)
	if len(oneOf) != 1 {
		t.Fatalf("422 oneOf = %v", oneOf)
	}
	variant := ref(oneOf[0])
	enum := get(get(variant, "allOf").([]any)[1], "properties", "error", "enum")
	if jsonOf(enum) != `["validation_failed"]` {
		t.Errorf("422 code enum = %v", enum)
	}
	if d := get(schema, "discriminator", "propertyName"); d != "error" {
		t.Errorf("discriminator = %v", d)
	}
	if get(ref(get(post, "401")), "headers", "WWW-Authenticate") == nil {
		t.Error("401 without WWW-Authenticate")
	}
	for _, h := range []string{"Retry-After", "RateLimit", "RateLimit-Policy", "X-Request-ID"} {
		if get(ref(get(post, "429")), "headers", h) == nil {
			t.Errorf("429 without %s", h)
		}
	}
	if get(ref(get(post, "503")), "headers", "Retry-After") == nil {
		t.Error("503 without Retry-After")
	}
	ctx := ref(get(get(ref(oneOf[0]), "allOf").([]any)[1], "properties", "context"))
	if get(ctx, "properties", "errors", "type") != "object" {
		t.Errorf("validation_failed context = %v", ctx)
	}
	// The 404 variant's context requires pet_id.
	r404 := ref(get(doc, "paths", "/pets/{petId}", "get", "responses", "404"))
	nf := ref(get(ref(get(r404, "content", "application/json", "schema")), "oneOf").([]any)[0])
	if jsonOf(get(ref(get(get(nf, "allOf").([]any)[1], "properties", "context")), "required")) != `["pet_id"]` {
		t.Error("pet_not_found's context does not require pet_id")
	}
	if jsonOf(keysOf(t, got.Data, "paths", "/pets", "post", "responses")) != `["201","400","401","409","422","429","500","503"]` {
		t.Errorf("POST /pets responses in order %v", keysOf(t, got.Data, "paths", "/pets", "post", "responses"))
	}
}

// keysOf lists an object's keys in document order.
func keysOf(t *testing.T, data []byte, path ...string) []string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	cur := n.Content[0]
	for _, p := range path {
		var next *yaml.Node
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == p {
				next = cur.Content[i+1]
			}
		}
		if next == nil {
			t.Fatalf("no %q", p)
		}
		cur = next
	}
	var keys []string
	for i := 0; i < len(cur.Content); i += 2 {
		keys = append(keys, cur.Content[i].Value)
	}
	return keys
}

// TestMergeOpenAPI30Dialect: a 3.0 document gets no 3.1-only schema
// keywords: no type lists, no const.
func TestMergeOpenAPI30Dialect(t *testing.T) {
	cat := loadPetstore(t)
	in, _ := os.ReadFile(filepath.Join("testdata", "merge", "petstore.yaml"))
	got, err := docgen.MergeOpenAPI(cat, in, docgen.MergeOptions{Operations: petstoreOps()})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got.Data, []byte("const:")) || bytes.Contains(got.Data, []byte("- 'null'")) || bytes.Contains(got.Data, []byte("- \"null\"")) {
		t.Errorf("3.1 keywords in a 3.0 document:\n%s", got.Data)
	}
}

// TestMergeOpenAPIPathItemRef: a path item that is a $ref (to a file of its
// own, say) is not followed; the notice says so, and does not claim the
// operation is missing from the document.
func TestMergeOpenAPIPathItemRef(t *testing.T) {
	cat := loadPetstore(t)
	in := "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /pets:\n    $ref: 'pets.yaml#/pets'\n"
	got, err := docgen.MergeOpenAPI(cat, []byte(in), docgen.MergeOptions{Operations: petstoreOps()})
	if err != nil {
		t.Fatal(err)
	}
	want := `GET /pets: the document's path item /pets is a $ref ("pets.yaml#/pets"), not followed: nothing added`
	if !contains(got.Notices, want) {
		t.Errorf("no notice %q in %q", want, got.Notices)
	}
	for _, n := range got.Notices {
		if strings.HasPrefix(n, "GET /pets:") && strings.Contains(n, "not in the document") {
			t.Errorf("notice %q: the path is in the document", n)
		}
	}
}

// TestMergeOpenAPIBadDocuments: every document that cannot be merged into
// is refused with an error naming the problem, never a panic.
func TestMergeOpenAPIBadDocuments(t *testing.T) {
	cat := loadPetstore(t)
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"  \n", "empty"},
		{"swagger: '2.0'\ninfo: {}\n", "Swagger 2.0"},
		{"title: x\n", "no openapi member"},
		{"openapi: 3.2.0\n", `OpenAPI "3.2.0"`},
		{"openapi: [3]\n", "not a version string"},
		{"- a\n- b\n", "top level is not an object"},
		{"openapi: 3.1.0\npaths: [1]\n", "paths is not an object"},
		{"openapi: 3.1.0\npaths:\n  /pets: 1\n", `paths["/pets"] is not an object`},
		{"openapi: 3.1.0\npaths:\n  /pets:\n    get: 1\n", `paths["/pets"].get is not an object`},
		{"openapi: 3.1.0\npaths:\n  /pets:\n    get: {responses: [1]}\n", "GET /pets: responses is not an object"},
		{"openapi: 3.1.0\ncomponents: 1\npaths:\n  /pets:\n    get: {}\n", "components is not an object"},
		{"openapi: 3.1.0\ncomponents: {schemas: 1}\npaths:\n  /pets:\n    get: {}\n", "components.schemas is not an object"},
		{"openapi: 3.1.0\n  bad: indent\n", "not valid YAML"},
		{`{"openapi": "3.1.0",`, "not valid JSON: line 1"},
		{"{\n\"openapi\": \"3.1.0\"\n}}", "not valid JSON"},
		{"a: &a [*a, *a]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\nf: &f [*e, *e]\ng: &g [*f, *f]\nh: &h [*g, *g]\ni: &i [*h, *h]\nj: [*i, *i]\n", ""},
	} {
		got, err := docgen.MergeOpenAPI(cat, []byte(tc.in), docgen.MergeOptions{Operations: petstoreOps()})
		var se *docgen.SpecError
		if !errors.As(err, &se) {
			if tc.want == "" && err == nil {
				continue // an alias-heavy document that merges is fine too
			}
			t.Errorf("%q: got %v, %v; want a SpecError", tc.in, got, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q does not say %q", tc.in, err, tc.want)
		}
	}
	if _, err := docgen.MergeOpenAPI(cat, []byte("openapi: 3.1.0\n"), docgen.MergeOptions{Format: "xml"}); err == nil {
		t.Error("format xml accepted")
	}
}

// FuzzMergeOpenAPI feeds documents to the merge: it never panics, refuses
// with a SpecError, or writes a document that parses and merges again to
// itself. Seeds: testdata/fuzz/FuzzMergeOpenAPI and the petstores.
func FuzzMergeOpenAPI(f *testing.F) {
	for _, name := range []string{"petstore.yaml", "petstore-expanded.json", "petstore31.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "merge", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	cat := loadPetstore(f)
	ops := petstoreOps()
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := docgen.MergeOpenAPI(cat, in, docgen.MergeOptions{Operations: ops})
		if err != nil {
			var se *docgen.SpecError
			if !errors.As(err, &se) {
				t.Fatalf("not a SpecError: %v", err)
			}
			return
		}
		again, err := docgen.MergeOpenAPI(cat, got.Data, docgen.MergeOptions{Operations: ops})
		if err != nil {
			t.Fatalf("the merged document does not merge again: %v\n%s", err, got.Data)
		}
		if again.Version != got.Version {
			t.Fatalf("version %q became %q", got.Version, again.Version)
		}
	})
}
