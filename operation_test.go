package apierr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// opsCatalog has two codes of its own; the default catalog's fallbacks
// (not_found, rate_limited …) are nameable too.
const opsCatalog = "name: t\ncodes:\n  insufficient_balance:\n    status: 402\n    message: m\n  fax_not_terminal:\n    status: 409\n    message: n\n"

func TestLoadOperations(t *testing.T) {
	c, err := Load([]byte(opsCatalog+`common_codes: [internal_error]
operations:
  POST /fax:
    id: sendFax
    codes: [insufficient_balance, validation_failed]
  DELETE /fax/{id}: [fax_not_terminal, not_found]
  getBalance: [insufficient_balance]
  GET /account:
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Operation{
		{"POST", "/fax", "sendFax", []string{"insufficient_balance", "internal_error", "validation_failed"}},
		{"DELETE", "/fax/{id}", "", []string{"fax_not_terminal", "internal_error", "not_found"}},
		{"", "", "getBalance", []string{"insufficient_balance", "internal_error"}},
		{"GET", "/account", "", []string{"internal_error"}},
	}
	if got := c.Operations(); !reflect.DeepEqual(got, want) {
		t.Errorf("Operations() = %+v\nwant %+v", got, want)
	}
	for _, tc := range []struct {
		name         string
		method, path string
		want         string // the operation's String, "" for none
	}{
		{"exact", "POST", "/fax", "POST /fax"},
		{"lower-case method", "delete", "/fax/{id}", "DELETE /fax/{id}"},
		{"other parameter name", "DELETE", "/fax/{fax_id}", "DELETE /fax/{id}"},
		{"by id", "", "sendFax", "POST /fax"},
		{"id-only operation", "", "getBalance", "getBalance"},
		{"unknown path", "GET", "/fax", ""},
		{"unknown id", "", "nope", ""},
		{"method differs", "GET", "/fax/{id}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, ok := c.Operation(tc.method, tc.path)
			if ok != (tc.want != "") || (ok && o.String() != tc.want) {
				t.Errorf("Operation(%q, %q) = %v, %v; want %q", tc.method, tc.path, o, ok, tc.want)
			}
		})
	}
	// Operations and Operation return copies.
	c.Operations()[0].Codes[0] = "x"
	o, _ := c.Operation("POST", "/fax")
	o.Codes[0] = "y"
	if got := c.Operations()[0].Codes[0]; got != "insufficient_balance" {
		t.Errorf("the catalog's operation changed through a copy: %q", got)
	}
	if !o.Returns("validation_failed") || o.Returns("fax_not_terminal") {
		t.Errorf("Returns disagrees with Codes %v", o.Codes)
	}
}

func TestSpecRoundTripsOperations(t *testing.T) {
	c := MustLoad([]byte(opsCatalog+"common_codes: [internal_error]\noperations:\n  POST /fax: {id: send, codes: [insufficient_balance]}\n"), "t.yaml")
	s := c.Spec()
	if !reflect.DeepEqual(s.CommonCodes, []string{"internal_error"}) ||
		!reflect.DeepEqual(s.Operations, []Operation{{"POST", "/fax", "send", []string{"insufficient_balance"}}}) {
		t.Fatalf("Spec() = %+v / %+v", s.CommonCodes, s.Operations)
	}
	again, err := NewCatalog(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Operations(), c.Operations()) {
		t.Errorf("rebuilt %+v, want %+v", again.Operations(), c.Operations())
	}
}

func TestOperationLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown method and relative path", "operations:\n  FETCH fax: [not_found]\n",
			[]string{`t.yaml:10:3: operation "FETCH fax": unknown method "FETCH" (known: GET, PUT, POST`, `t.yaml:10:3: operation "FETCH fax": path "fax" must start with /`}},
		{"misspelt method", "operations:\n  DELTE /fax: [not_found]\n",
			[]string{`t.yaml:10:3: operation "DELTE /fax": unknown method "DELTE" (did you mean DELETE?)`}},
		{"lower-case method", "operations:\n  post /fax: [not_found]\n",
			[]string{`t.yaml:10:3: operation "post /fax": method "post" must be upper case: POST`}},
		{"path without method", "operations:\n  /fax: [not_found]\n",
			[]string{`t.yaml:10:3: operation "/fax" has no method: write it as "GET /fax"`}},
		{"ServeMux wildcard", "operations:\n  GET /files/{path...}: [not_found]\n",
			[]string{`t.yaml:10:3: operation "GET /files/{path...}": path "/files/{path...}": {path...} is ServeMux syntax; write {path}`}},
		{"ServeMux end anchor", "operations:\n  GET /{$}: [not_found]\n",
			[]string{`{$} is ServeMux syntax`}},
		{"unclosed parameter", "operations:\n  GET /fax/{id: [not_found]\n",
			[]string{`path "/fax/{id" has a { without its }`}},
		{"parameter twice", "operations:\n  GET /a/{id}/b/{id}: [not_found]\n",
			[]string{`path "/a/{id}/b/{id}" names parameter {id} twice`}},
		{"query in path", "operations:\n  GET /fax?x=1: [not_found]\n",
			[]string{`path "/fax?x=1" has a query or fragment`}},
		{"unknown code with suggestion", "operations:\n  POST /fax: [insuficient_balance]\n",
			[]string{`t.yaml:10:15: operation "POST /fax": unknown code "insuficient_balance" (did you mean "insufficient_balance"?)`}},
		{"unknown code", "operations:\n  POST /fax: [teapot]\n",
			[]string{`t.yaml:10:15: operation "POST /fax": unknown code "teapot"`}},
		{"unknown common code", "common_codes: [nope]\n",
			[]string{`t.yaml:9:16: common_codes: unknown code "nope"`}},
		{"common code twice", "common_codes: [internal_error, internal_error]\n",
			[]string{`t.yaml:9:32: common_codes lists "internal_error" twice`}},
		{"code twice in an operation", "operations:\n  POST /fax: [not_found, not_found]\n",
			[]string{`t.yaml:10:26: operation "POST /fax" lists code "not_found" twice`}},
		{"same route, other parameter name", "operations:\n  GET /fax/{id}: [not_found]\n  GET /fax/{fax_id}: [not_found]\n",
			[]string{`t.yaml:11:3: operation "GET /fax/{fax_id}" is the same route as "GET /fax/{id}" (at 10:3): only parameter names differ`}},
		{"operationId twice", "operations:\n  GET /a: {id: x}\n  GET /b: {id: x}\n",
			[]string{`t.yaml:11:16: operationId "x" is used twice (first by "GET /a" at 10:16)`}},
		{"id under an operationId key", "operations:\n  sendFax: {id: other}\n",
			[]string{`t.yaml:10:13: operation "sendFax" is keyed by its operationId already`}},
		{"unknown operation key", "operations:\n  POST /fax: {cods: [not_found]}\n",
			[]string{`unknown key "cods" in operation "POST /fax" (did you mean "codes"?)`}},
		{"scalar value", "operations:\n  POST /fax: not_found\n",
			[]string{`t.yaml:10:14: operation "POST /fax" must be a list of codes or a mapping of id and codes, not the scalar "not_found"`}},
		{"operations a list", "operations: [a]\n",
			[]string{`t.yaml:9:13: operations must be a mapping, not a list`}},
		{"duplicate key", "operations:\n  GET /a: []\n  GET /a: []\n",
			[]string{`t.yaml:11:3: duplicate key "GET /a" in operations (first at 10:3)`}},
		{"operationId with a brace", "operations:\n  GET /a: {id: \"a{b\"}\n",
			[]string{`operationId "a{b" may not contain '{'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(opsCatalog+tt.yaml), "t.yaml")
			if err == nil {
				t.Fatal("loaded")
			}
			var les LoadErrors
			if !errors.As(err, &les) {
				t.Fatalf("%T is not LoadErrors", err)
			}
			text := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error\n%s\nwants %q", text, w)
				}
			}
		})
	}
}

func TestNewCatalogChecksOperations(t *testing.T) {
	base := Spec{Codes: []Code{{ID: "a", Status: 400, Message: "m"}}}
	for _, tc := range []struct {
		name string
		ops  []Operation
		want string
	}{
		{"no method, path or id", []Operation{{Codes: []string{"a"}}}, "an operation has neither METHOD /path nor an id"},
		{"path without method", []Operation{{Path: "/a"}}, `operation "/a" has a path but no method`},
		{"bad method", []Operation{{Method: "get", Path: "/a"}}, `operation "get /a": method "get" must be upper case: GET`},
		{"bad path", []Operation{{Method: "GET", Path: "a"}}, `path "a" must start with /`},
		{"bad id", []Operation{{ID: "a b"}}, `operationId "a b" may not contain ' '`},
		{"unknown code", []Operation{{Method: "GET", Path: "/a", Codes: []string{"b"}}}, `operation "GET /a": unknown code "b"`},
		{"twice", []Operation{{Method: "GET", Path: "/a"}, {Method: "GET", Path: "/a"}}, `operation "GET /a" is declared twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			s.Operations = tc.ops
			_, err := NewCatalog(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	s := base
	s.CommonCodes = []string{"a"}
	s.Operations = []Operation{{Method: "GET", Path: "/a/{id}", ID: "getA"}}
	c, err := NewCatalog(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Operations(); len(got) != 1 || !reflect.DeepEqual(got[0].Codes, []string{"a"}) {
		t.Errorf("Operations() = %+v", got)
	}
}

func TestCatalogWithoutOperations(t *testing.T) {
	c := MustLoad([]byte(opsCatalog), "t.yaml")
	if ops := c.Operations(); len(ops) != 0 {
		t.Errorf("Operations() = %v", ops)
	}
	if _, ok := c.Operation("GET", "/"); ok {
		t.Error("found an operation in a catalog that declares none")
	}
	if s := c.Spec(); s.Operations != nil || len(s.CommonCodes) != 0 {
		t.Errorf("Spec() has operations %v / %v", s.Operations, s.CommonCodes)
	}
}
