package docgen_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// TestTypeScriptGolden generates the TypeScript client of every example
// catalog and compares errors.ts with testdata/<api>/errors.ts.golden. The
// runtime, apierr.ts, is the embedded file itself. ts/check (run by CI)
// typechecks the generated modules with tsc --strict and tests them with
// node --test against the demo.
func TestTypeScriptGolden(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			files, err := docgen.TypeScript(ex.cat)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 2 || files[0].Path != "apierr.ts" || files[1].Path != "errors.ts" {
				t.Fatalf("files %v, want apierr.ts and errors.ts", paths(files))
			}
			if !bytes.Equal(files[0].Data, docgen.TSRuntime()) {
				t.Errorf("apierr.ts is not the embedded runtime")
			}
			src := files[1].Data
			if !bytes.HasPrefix(src, []byte(docgen.TSHeader+"\n")) {
				t.Errorf("no generated-code header")
			}
			for _, c := range ex.cat.Codes() {
				if !bytes.Contains(src, []byte(`| "`+c.ID+`"`)) {
					t.Errorf("code %s is not in the union", c.ID)
				}
			}
			golden(t, ex.name+"/errors.ts.golden", src)
			golden(t, ex.name+"/examples.json", examplesJSON(t, ex.cat))
		})
	}
}

func TestTypeScriptDeterministic(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		a, _ := docgen.TypeScript(ex.cat)
		b, _ := docgen.TypeScript(ex.cat)
		if !bytes.Equal(a[1].Data, b[1].Data) {
			t.Errorf("%s: errors.ts differs between two runs", ex.name)
		}
	}
}

// TestTypeScriptNames checks that names that would clash get numbers and
// that context keys that are not identifiers are quoted.
func TestTypeScriptNames(t *testing.T) {
	cat, err := apierr.Load([]byte(`name: Clash
codes:
  catalog_error:
    status: 400
    message: m
    context:
      retry-after: {type: integer}
      errors: {type: object}
`), "clash.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := docgen.TypeScript(cat)
	if err != nil {
		t.Fatal(err)
	}
	src := string(files[1].Data)
	for _, want := range []string{
		"export function isCatalogError2(e: unknown)", // isCatalogError is the generic guard
		`readonly "retry-after"?: number;`,
		"Its field errors are in fields.",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("errors.ts lacks %q", want)
		}
	}
	if strings.Contains(src, "readonly errors?:") {
		t.Errorf("context.errors (field errors) typed as a context member")
	}
}

func paths(fs []docgen.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

// tsExample is one example body, for ts/test/decode.test.ts: what the server
// sends for a code, in one of the catalog's formats, and what it documents.
type tsExample struct {
	Code        string              `json:"code"`
	Format      string              `json:"format"`
	Status      int                 `json:"status"`
	ContentType string              `json:"content_type"`
	RetryAfter  string              `json:"retry_after,omitempty"`
	Body        string              `json:"body"`
	Message     string              `json:"message"`
	Context     map[string]any      `json:"context,omitempty"`
	Fields      []apierr.FieldError `json:"fields,omitempty"`
}

// examplesJSON renders every code's documented example in every format of
// the catalog, as the TypeScript decode test reads them.
func examplesJSON(t *testing.T, cat *apierr.Catalog) []byte {
	t.Helper()
	var out []tsExample
	for _, f := range cat.Formats() {
		for _, c := range cat.Codes() {
			src := c.ExampleError()
			res := new(apierr.Error)
			cat.Resolve(res, src)
			x := tsExample{Code: res.Code, Format: f.Name(), Status: res.Status, ContentType: f.ContentType(),
				Body: string(cat.Render(f, src)), Message: res.Message, Context: res.Context, Fields: res.Fields}
			if s := res.RetryAfterSeconds(); s > 0 {
				x.RetryAfter = strconv.FormatInt(s, 10)
			}
			out = append(out, x)
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
