package docgen_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// TestMergedSchemasTellCodesApart merges every example catalog's declared
// operations into a document of those paths (OpenAPI 3.1 and 3.0) and checks, with kin-openapi,
// each operation's response schemas against bodies the catalog renders in
// its own format (the seeds' shapes, a code member nested or not):
//
//   - every code the operation declares validates against the schema of
//     its status;
//   - a code of the same status that the operation does not declare is
//     refused, so a client generated from the document can trust the
//     union of codes, whatever the format.
func TestMergedSchemasTellCodesApart(t *testing.T) {
	param := regexp.MustCompile(`\{([^}]+)\}`)
	runs := 0
	for _, version := range []string{"3.1.0", "3.0.3"} {
		for _, ex := range exampleCatalogs(t) {
			if len(ex.cat.Operations()) == 0 {
				continue // the quickstart's: its operations come from its routes
			}
			runs++
			t.Run(version+"/"+ex.name, func(t *testing.T) {
				cat := ex.cat
				ops := cat.Operations()
				paths := map[string]map[string]any{}
				for _, op := range ops {
					if op.Method == "" {
						continue
					}
					item := paths[op.Path]
					if item == nil {
						item = map[string]any{}
						paths[op.Path] = item
					}
					var params []any
					for _, m := range param.FindAllStringSubmatch(op.Path, -1) {
						params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
					}
					o := map[string]any{"responses": map[string]any{"200": map[string]any{"description": "OK"}}}
					if params != nil {
						o["parameters"] = params
					}
					item[strings.ToLower(op.Method)] = o
				}
				spec, _ := json.Marshal(map[string]any{"openapi": version, "info": map[string]any{"title": ex.name, "version": "1"}, "paths": paths})
				merged, err := docgen.MergeOpenAPI(cat, spec, docgen.MergeOptions{Format: "json"})
				if err != nil {
					t.Fatal(err)
				}
				doc := validate(t, merged.Data)
				f := cat.Formats()[0]
				byStatus := map[int][]string{}
				for _, c := range cat.Codes() {
					byStatus[c.Status] = append(byStatus[c.Status], c.ID)
				}
				body := func(code string) any {
					var v any
					if err := json.Unmarshal(cat.Render(f, &apierr.Error{Code: code}), &v); err != nil {
						t.Fatal(err)
					}
					return v
				}
				checked, refused := 0, 0
				for _, op := range ops {
					if op.Method == "" {
						continue
					}
					o := doc.Paths.Find(op.Path).GetOperation(op.Method)
					for _, code := range op.Codes {
						status := cat.Lookup(code).Status
						r := o.Responses.Status(status)
						if r == nil {
							t.Errorf("%s declares %s but has no %d response", op, code, status)
							continue
						}
						mt := r.Value.Content.Get(f.ContentType())
						if mt == nil {
							t.Errorf("%s %d: no %s content", op, status, f.ContentType())
							continue
						}
						if err := mt.Schema.Value.VisitJSON(body(code)); err != nil {
							t.Errorf("%s %d: its own code %s does not validate: %v", op, status, code, err)
						}
						checked++
						for _, other := range byStatus[status] {
							if op.Returns(other) {
								continue
							}
							if mt.Schema.Value.VisitJSON(body(other)) == nil {
								t.Errorf("%s %d: admits %s, which it does not declare", op, status, other)
							}
							refused++
						}
					}
				}
				t.Logf("%s (%s): %d declared codes validated, %d undeclared refused", ex.name, f.Name(), checked, refused)
				if checked == 0 {
					t.Error("nothing checked")
				}
			})
		}
	}
	if runs != 2*5 {
		t.Errorf("%d runs, want the five seed catalogs in two versions", runs)
	}
}
