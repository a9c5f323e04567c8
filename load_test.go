package apierr

import (
	"errors"
	"strings"
	"testing"
)

const goodHeader = "name: t\ndocs_url: https://example.com/errors/{slug}\ncodes:\n"

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error text, in order
	}{
		{"unknown catalog key with suggestion", "nmae: x\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`t.yaml:1:1: unknown key "nmae" in catalog (did you mean "name"?)`}},
		{"unknown code key with suggestion", goodHeader + "  a:\n    stauts: 400\n    message: m\n",
			[]string{`t.yaml:5:5: unknown key "stauts" in code "a" (did you mean "status"?)`, `t.yaml:4:3: code "a" has no status`}},
		{"unknown key without suggestion", goodHeader + "  a:\n    status: 400\n    message: m\n    colour: red\n",
			[]string{`t.yaml:7:5: unknown key "colour" in code "a" (known keys: status,`}},
		{"duplicate ids", goodHeader + "  a:\n    status: 400\n    message: m\n  a:\n    status: 401\n    message: n\n",
			[]string{`t.yaml:7:3: duplicate key "a" in codes (first at 4:3)`}},
		{"condition bound twice", goodHeader + "  a:\n    status: 429\n    message: m\n    condition: rate_limited\n  b:\n    status: 429\n    message: n\n    condition: rate_limited\n",
			[]string{`t.yaml:11:16: condition "rate_limited" is bound twice: by "a" (at 7:16) and by "b"`}},
		{"misspelt condition", goodHeader + "  a:\n    status: 429\n    message: m\n    condition: rate_limted\n",
			[]string{`t.yaml:7:16: code "a": unknown condition "rate_limted" (did you mean "rate_limited"?)`}},
		{"unknown condition", goodHeader + "  a:\n    status: 429\n    message: m\n    condition: too_fast\n",
			[]string{`t.yaml:7:16: code "a": unknown condition "too_fast" (known: endpoint_not_found,`}},
		{"status below 400", goodHeader + "  a:\n    status: 200\n    message: m\n",
			[]string{`t.yaml:5:13: code "a": status 200 is outside 400–599`}},
		{"status above 599", goodHeader + "  a:\n    status: 600\n    message: m\n",
			[]string{`t.yaml:5:13: code "a": status 600 is outside 400–599`}},
		{"status not a number", goodHeader + "  a:\n    status: teapot\n    message: m\n",
			[]string{`t.yaml:5:13: code "a": status must be an integer, not the scalar "teapot"`}},
		{"missing message", goodHeader + "  a:\n    status: 400\n",
			[]string{`t.yaml:4:3: code "a" has no message`}},
		{"blank message", goodHeader + "  a:\n    status: 400\n    message: \"  \"\n",
			[]string{`t.yaml:6:14: code "a" has no message`}},
		{"mixed case styles", goodHeader + "  not_found:\n    status: 404\n    message: m\n  RATE_LIMITED:\n    status: 429\n    message: n\n",
			[]string{`t.yaml:7:3: code "RATE_LIMITED" is UPPER_SNAKE, but "not_found" (at 4:3) is lower_snake: keep one case style for every id`}},
		{"invalid id", goodHeader + "  \"not found\":\n    status: 404\n    message: m\n",
			[]string{`t.yaml:4:3: code id "not found" is not a word in a known case style`}},
		{"bad docs url scheme", "docs_url: ftp://x/{slug}\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`t.yaml:1:11: docs_url "ftp://x/{slug}": must be an absolute http(s) URL or a path starting with /`}},
		{"docs url unknown placeholder", "docs_url: https://x.com/{id}\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`t.yaml:1:11: docs_url "https://x.com/{id}": unknown placeholder {id} (use {slug} or {code})`}},
		{"docs url relative without slash", "docs_url: docs/errors\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`must be an absolute http(s) URL or a path starting with /`}},
		{"unknown format", "format: xml\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`t.yaml:1:9: unknown format "xml" (known: envelope, problem;`}},
		{"unknown slug rule", "slug: kebab\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`t.yaml:1:7: unknown slug rule "kebab" (known: hyphen, underscore, exact)`}},
		{"bad foreign_resource", "foreign_resource: gone\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`foreign_resource must be "not_found" or "forbidden", not "gone"`}},
		{"rule bound twice", goodHeader + "  a:\n    status: 422\n    message: m\n    rules: [uuid]\n  b:\n    status: 422\n    message: n\n    rules: [uuid]\n",
			[]string{`t.yaml:11:13: validation rule "uuid" is bound twice: by "a" (at 7:13) and by "b"`}},
		{"codes not a mapping", "codes: [a, b]\n",
			[]string{`t.yaml:1:8: codes must be a mapping, not a list`}},
		{"no codes key", "name: x\n", []string{`t.yaml:1:1: catalog has no codes: key`}},
		{"empty file", "", []string{`t.yaml: catalog is empty`}},
		{"not a mapping", "- a\n- b\n", []string{`t.yaml:1:1: catalog must be a mapping, not a list`}},
		{"invalid yaml", "codes:\n  a: [\n", []string{`t.yaml:3:1: invalid YAML: did not find expected node content`}},
		{"unclosed flow sequence", "codes:\n  a:\n    status: 400\n    rules: [uuid\n  b: {status: 401, message: m}\n", []string{`t.yaml:4:1: invalid YAML: did not find expected ',' or ']'`}},
		{"tab before a key", "codes:\n  a: {status: 400, message: m}\n\tb: 1\n", []string{`t.yaml:3:1: invalid YAML: found character that cannot start any token`}},
		{"tab indentation", "codes:\n\ta:\n", []string{`t.yaml:2:1: invalid YAML: found character that cannot start any token`}},
		{"retryable not bool", goodHeader + "  a:\n    status: 400\n    message: m\n    retryable: maybe\n",
			[]string{`t.yaml:7:16: code "a": retryable must be true or false, not the scalar "maybe"`}},
		{"context type unknown", goodHeader + "  a:\n    status: 400\n    message: m\n    context:\n      n: {type: int}\n",
			[]string{`code "a": context.n.type "int" is not a JSON type`}},
		{"context required not bool", goodHeader + "  a:\n    status: 400\n    message: m\n    context:\n      n: {type: integer, required: often}\n",
			[]string{`code "a": context.n.required must be true or false, not the scalar "often"`}},
		{"context items on a string", goodHeader + "  a:\n    status: 400\n    message: m\n    context:\n      n: {type: string, items: string}\n",
			[]string{`code "a": context.n has items but its type is "string", not array`}},
		{"context items unknown type", goodHeader + "  a:\n    status: 400\n    message: m\n    context:\n      n: {type: array, items: str}\n",
			[]string{`code "a": context.n.items "str" is not a JSON type`}},
		{"example retry_after bad", goodHeader + "  a:\n    status: 429\n    message: m\n    example:\n      retry_after: soon\n",
			[]string{`example.retry_after must be seconds or a duration like 45s, not "soon"`}},
		{"docs section typo", goodHeader + "  a:\n    status: 400\n    message: m\n    docs:\n      wehn: x\n",
			[]string{`t.yaml:8:7: unknown key "wehn" in code "a": docs (did you mean "when"?)`}},
		{"bad request id header", "request_id_header: \"X Request\"\ncodes:\n  a:\n    status: 400\n    message: m\n",
			[]string{`request_id_header "X Request" is not a valid header name`}},
		{"every error reported", goodHeader + "  a:\n    status: 200\n  b:\n    status: 700\n    message: m\n",
			[]string{`status 200 is outside`, `code "a" has no message`, `status 700 is outside`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.yaml), "t.yaml")
			if err == nil {
				t.Fatalf("Load succeeded; want errors %q", tt.want)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error\n%s\ndoes not contain (in order)\n%s", msg, w)
				}
				rest = rest[i+len(w):]
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not a *LoadError", err)
			}
			if !strings.HasPrefix(msg, "apierr: t.yaml") {
				t.Errorf("error %q does not start with the package and file", msg)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile("testdata/does-not-exist.yaml")
	if err == nil || !strings.Contains(err.Error(), "apierr: read catalog") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	_, err := Load(make([]byte, maxCatalogSize+1), "big.yaml")
	if err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("err = %v", err)
	}
}

func TestExampleCatalogsLoad(t *testing.T) {
	c, err := LoadFile("examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Lookup("insufficient_balance"); got == nil || got.Status != 402 || got.Action != "top_up_balance" {
		t.Fatalf("insufficient_balance = %+v", got)
	}
	if c.ForeignResource() != CondForbidden {
		t.Errorf("ForeignResource = %q", c.ForeignResource())
	}
}

func TestDefaultCatalogBindsEveryCondition(t *testing.T) {
	d := Default()
	for _, cond := range Conditions {
		code := d.ForCondition(cond)
		if code == nil {
			t.Errorf("default catalog binds no code to %q", cond)
			continue
		}
		if code.Fallback {
			t.Errorf("default code %q is a fallback", code.ID)
		}
	}
	if f := d.Lint(); len(f) > 0 {
		for _, x := range f {
			if x.Severity == SeverityWarning {
				t.Errorf("default catalog lint: %s", x)
			}
		}
	}
}

func TestNewCatalogInGo(t *testing.T) {
	c, err := NewCatalog(Spec{
		Name:    "go",
		DocsURL: "https://api.example.com/errors",
		Codes: []Code{
			{ID: "OUT_OF_STOCK", Status: 409, Message: "The item is out of stock.", Action: "choose_another_item"},
			{ID: "TOO_FAST", Status: 429, Message: "Slow down.", Condition: CondRateLimited, Retryable: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DocsFor("OUT_OF_STOCK"); got != "https://api.example.com/errors#out-of-stock" {
		t.Errorf("DocsFor = %q", got)
	}
	// Unbound conditions fall back to default codes restyled as UPPER_SNAKE.
	if got := c.ForCondition(CondEndpointNotFound); got == nil || got.ID != "ENDPOINT_NOT_FOUND" || !got.Fallback {
		t.Errorf("fallback = %+v", got)
	}
	if got := c.ForCondition(CondRateLimited); got.ID != "TOO_FAST" {
		t.Errorf("bound condition = %q", got.ID)
	}
	_, err = NewCatalog(Spec{Codes: []Code{{ID: "a", Status: 200, Message: "m"}}})
	if err == nil || !strings.Contains(err.Error(), `apierr: catalog: code "a": status 200 is outside 400–599`) {
		t.Errorf("err = %v", err)
	}
}

func TestFallbackStyles(t *testing.T) {
	tests := []struct {
		id, want string
	}{
		{"out_of_stock", "endpoint_not_found"},
		{"OUT_OF_STOCK", "ENDPOINT_NOT_FOUND"},
		{"out-of-stock", "endpoint-not-found"},
		{"outOfStock", "endpointNotFound"},
		{"OutOfStock", "EndpointNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, err := NewCatalog(Spec{Codes: []Code{{ID: tt.id, Status: 409, Message: "m"}}})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.ForCondition(CondEndpointNotFound).ID; got != tt.want {
				t.Errorf("fallback id = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFallbackIDCollision(t *testing.T) {
	// The API already uses "not_found" for something that is not the condition.
	c, err := NewCatalog(Spec{Codes: []Code{{ID: "not_found", Status: 410, Message: "gone"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ForCondition(CondNotFound).ID; got != "not_found_error" {
		t.Errorf("fallback id = %q", got)
	}
	if c.Lookup("not_found").Status != 410 {
		t.Error("the API's own code was replaced")
	}
}

func TestConditionList(t *testing.T) {
	c, err := Load([]byte("codes:\n  UNAUTHORIZED:\n    status: 401\n    message: m\n    condition: [auth_missing, auth_malformed, auth_invalid]\n"), "l.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, cond := range []Condition{CondAuthMissing, CondAuthMalformed, CondAuthInvalid} {
		if got := c.ForCondition(cond); got.ID != "UNAUTHORIZED" {
			t.Errorf("%s → %s", cond, got.ID)
		}
	}
	for _, code := range c.Codes() {
		if code.ID == "AUTHENTICATION_REQUIRED" || code.ID == "INVALID_CREDENTIALS" {
			t.Errorf("fallback %s listed although its condition is bound", code.ID)
		}
	}
	_, err = Load([]byte("codes:\n  A:\n    status: 401\n    message: m\n    condition: [auth_missing, auth_missing]\n"), "l.yaml")
	if err == nil || !strings.Contains(err.Error(), `l.yaml:5:31: condition "auth_missing" is bound twice: by "A" (at 5:17) and by "A"`) {
		t.Errorf("err = %v", err)
	}
}

func TestRefinedConditionFallsBackWithinCatalog(t *testing.T) {
	own, err := NewCatalog(Spec{Codes: []Code{{ID: "bad_key", Status: 401, Message: "m", Condition: CondAuthInvalid}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := own.ForCondition(CondTokenInvalid).ID; got != "bad_key" {
		t.Errorf("token_invalid with auth_invalid bound → %q, want the catalog's bad_key", got)
	}
	none, _ := NewCatalog(Spec{Codes: []Code{{ID: "x", Status: 400, Message: "m"}}})
	if got := none.ForCondition(CondTokenInvalid).ID; got != "invalid_token" {
		t.Errorf("token_invalid unbound → %q, want the default invalid_token", got)
	}
	both, _ := NewCatalog(Spec{Codes: []Code{
		{ID: "bad_key", Status: 401, Message: "m", Condition: CondAuthInvalid},
		{ID: "bad_token", Status: 401, Message: "m", Condition: CondTokenInvalid},
	}})
	if got := both.ForCondition(CondTokenInvalid).ID; got != "bad_token" {
		t.Errorf("→ %q", got)
	}
}
