package apierr

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func faxCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := LoadFile("examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNegotiate(t *testing.T) {
	envDefault := faxCatalog(t) // envelope, then problem
	probDefault, err := NewCatalog(Spec{Format: "problem", Formats: []string{"envelope"}, Codes: []Code{{ID: "a", Status: 400, Message: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cat    *Catalog
		accept string
		want   string
	}{
		{"no header", envDefault, "", "envelope"},
		{"any", envDefault, "*/*", "envelope"},
		{"json", envDefault, "application/json", "envelope"},
		{"problem exact", envDefault, "application/problem+json", "problem"},
		{"problem preferred by q", envDefault, "application/json;q=0.5, application/problem+json", "problem"},
		{"json preferred by q", envDefault, "application/json, application/problem+json;q=0.9", "envelope"},
		{"problem excluded", envDefault, "application/problem+json;q=0, */*", "envelope"},
		{"html only falls back to default", envDefault, "text/html", "envelope"},
		{"everything excluded falls back", envDefault, "*/*;q=0", "envelope"},
		{"case insensitive", envDefault, "Application/Problem+JSON", "problem"},
		{"application wildcard", envDefault, "application/*", "envelope"},
		{"spaces and params", envDefault, " text/html ; level=1 , application/problem+json ; q=0.8 ", "problem"},
		{"bad q is zero", envDefault, "application/problem+json;q=abc", "envelope"},
		{"q above one is zero", envDefault, "application/problem+json;q=2", "envelope"},
		{"garbage", envDefault, ",,;;/=,", "envelope"},
		{"problem default, json asked", probDefault, "application/json", "problem"},
		{"problem default, json preferred", probDefault, "application/json, application/problem+json;q=0.5", "envelope"},
		{"problem default, nothing", probDefault, "", "problem"},
		{"most specific range wins", envDefault, "application/problem+json;q=0.1, */*;q=1", "envelope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cat.Negotiate(tt.accept).Name(); got != tt.want {
				t.Errorf("Negotiate(%q) = %s, want %s", tt.accept, got, tt.want)
			}
			if got := tt.cat.formats[tt.cat.negotiate(tt.accept)].Name(); tt.accept != "" && got != tt.want {
				t.Errorf("negotiate(%q) = %s, want %s (the full algorithm)", tt.accept, got, tt.want)
			}
		})
	}
}

// TestNegotiateShortcuts holds Negotiate's shortcuts (*/* and the default's
// own type) to the full algorithm, for each order of the built-in formats.
func TestNegotiateShortcuts(t *testing.T) {
	for _, spec := range []Spec{
		{Format: "envelope", Formats: []string{"problem"}},
		{Format: "problem", Formats: []string{"envelope"}},
		{Format: "problem"},
	} {
		spec.Codes = []Code{{ID: "a", Status: 400, Message: "m"}}
		c, err := NewCatalog(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, accept := range []string{"*/*", c.formats[0].ContentType()} {
			if got, want := c.Negotiate(accept).Name(), c.formats[c.negotiate(accept)].Name(); got != want {
				t.Errorf("%s default, Accept %q: Negotiate %s, the full algorithm %s", spec.Format, accept, got, want)
			}
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct {
		rule SlugRule
		id   string
		want string
	}{
		{SlugHyphen, "insufficient_balance", "insufficient-balance"},
		{SlugHyphen, "RATE_LIMIT_EXCEEDED", "rate-limit-exceeded"},
		{SlugHyphen, "rateLimitExceeded", "rate-limit-exceeded"},
		{SlugHyphen, "RateLimit", "rate-limit"},
		{SlugHyphen, "billing.card_declined", "billing-card-declined"},
		{SlugHyphen, "expired", "expired"},
		{SlugHyphen, "", ""},
		{SlugUnderscore, "RATE-LIMIT", "rate_limit"},
		{SlugExact, "RATE_LIMIT", "RATE_LIMIT"},
		{"", "a_b", "a-b"},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule)+"/"+tt.id, func(t *testing.T) {
			if got := tt.rule.Apply(tt.id); got != tt.want {
				t.Errorf("%s.Apply(%q) = %q, want %q", tt.rule, tt.id, got, tt.want)
			}
		})
	}
}

func TestDocsFor(t *testing.T) {
	c := faxCatalog(t)
	if got := c.DocsFor("insufficient_balance"); got != "https://mintfax.com/docs/errors/insufficient-balance" {
		t.Errorf("DocsFor = %q", got)
	}
	c2, _ := NewCatalog(Spec{DocsURL: "/errors/{code}/{slug}", Codes: []Code{{ID: "A_B", Status: 400, Message: "m"}}})
	if got := c2.DocsFor("A_B"); got != "/errors/A_B/a-b" {
		t.Errorf("DocsFor = %q", got)
	}
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return m
}

func TestEnvelope(t *testing.T) {
	c := faxCatalog(t)
	e := New("insufficient_balance").With("available", 3).With("required", 5)
	e.RequestID = "req_1"
	got := decode(t, c.Render(Envelope, e))
	want := map[string]any{
		"error":      "insufficient_balance",
		"message":    "Not enough credits to complete this operation.",
		"action":     "top_up_balance",
		"docs":       "https://mintfax.com/docs/errors/insufficient-balance",
		"context":    map[string]any{"available": 3.0, "required": 5.0},
		"request_id": "req_1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestEnvelopeFieldsAndContextErrors(t *testing.T) {
	c := faxCatalog(t)
	e := Cond(CondValidationFailed).WithField("to", "required", "The to field is required.").
		WithField("file", "mime", "bad type").WithField("to", "e164", "second").With("errors", "shadowed").With("x", true)
	got := decode(t, c.Render(Envelope, e))
	ctx := got["context"].(map[string]any)
	want := map[string]any{"to": []any{"The to field is required.", "second"}, "file": []any{"bad type"}}
	if !reflect.DeepEqual(ctx["errors"], want) || ctx["x"] != true {
		t.Errorf("context = %v", ctx)
	}
}

func TestProblem(t *testing.T) {
	c := faxCatalog(t)
	e := Cond(CondRateLimited).WithRetryAfter(1500*time.Millisecond).With("policy", "burst")
	e.RequestID, e.Instance = "r1", "/fax"
	got := decode(t, c.Render(Problem, e))
	want := map[string]any{
		"type": "https://mintfax.com/docs/errors/rate-limit-exceeded", "title": "Rate limit exceeded",
		"status": 429.0, "detail": "Too many requests in too short a window.", "instance": "/fax",
		"code": "rate_limit_exceeded", "action": "wait_and_retry", "request_id": "r1", "retry_after": 2.0,
		"context": map[string]any{"policy": "burst"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	v := decode(t, c.Render(Problem, Cond(CondValidationFailed).WithField("to", "required", "m")))
	if !reflect.DeepEqual(v["errors"], []any{map[string]any{"field": "to", "rule": "required", "message": "m"}}) {
		t.Errorf("errors = %v", v["errors"])
	}
	noDocs, _ := NewCatalog(Spec{Codes: []Code{{ID: "a", Status: 400, Message: "m"}}})
	if got := decode(t, noDocs.Render(Problem, New("a")))["type"]; got != "about:blank" {
		t.Errorf("type = %v", got)
	}
}

func TestAppendStringEscapes(t *testing.T) {
	in := "a\"b\\c\n\t\x01<>&\u2028\xff\xfeé"
	out := AppendString(nil, in)
	var back string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	// Each invalid byte becomes one U+FFFD.
	if want := "a\"b\\c\n\t\x01<>&\u2028\ufffd\ufffdé"; back != want {
		t.Errorf("round trip = %q, want %q", back, want)
	}
	if strings.ContainsAny(string(out), "<>&\n") {
		t.Errorf("unescaped: %s", out)
	}
}

func TestAppendValue(t *testing.T) {
	type odd struct{ A int }
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"}, {"x", `"x"`}, {true, "true"}, {42, "42"}, {int64(-1), "-1"}, {uint(7), "7"},
		{1.5, "1.5"}, {2.0, "2"}, {float32(0.25), "0.25"}, {ts, `"2026-01-02T03:04:05Z"`},
		{[]string{"a", "b"}, `["a","b"]`}, {[]any{1, "a"}, `[1,"a"]`},
		{map[string]any{"b": 1, "a": 2}, `{"a":2,"b":1}`}, {map[string][]string{"f": {"m"}}, `{"f":["m"]}`},
		{odd{3}, `{"A":3}`}, {make(chan int), "null"}, {json.RawMessage(`{"x":1}`), `{"x":1}`}, {json.RawMessage(`{bad`), "null"},
	}
	for _, tt := range tests {
		if got := string(AppendValue(nil, tt.in)); got != tt.want {
			t.Errorf("AppendValue(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUnknownFormatsAsOpaque(t *testing.T) {
	yaml := []byte("name: Acme\nformat: acme\nformats: [problem, acme_v2]\ncodes:\n  out_of_stock: {status: 409, message: Gone.}\n")
	t.Run("refused by default", func(t *testing.T) {
		_, err := Load(yaml, "acme.yaml")
		if err == nil || !strings.Contains(err.Error(), `acme.yaml:2:9: unknown format "acme"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("opaque stand-ins", func(t *testing.T) {
		var seen []string
		cat, err := Load(yaml, "acme.yaml", WithUnknownFormats(func(name string) Format {
			seen = append(seen, name)
			return Opaque(name)
		}))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(seen, ","); got != "acme,acme_v2" {
			t.Errorf("asked for %s", got)
		}
		f := cat.Formats()[0]
		d, ok := f.(Describer)
		if f.Name() != "acme" || !ok || len(d.Members(cat)) != 0 {
			t.Fatalf("default format %s is not an opaque Describer", f.Name())
		}
		if s := d.Schemas(cat); len(s) != 1 || s[0].Name != "AcmeError" || !json.Valid(s[0].JSON) {
			t.Errorf("schemas = %q", s)
		}
		if body := cat.Render(f, cat.Err("out_of_stock")); !json.Valid(body) {
			t.Errorf("body %s", body)
		}
	})
}

func TestBuiltinFormatsDescribeThemselves(t *testing.T) {
	cat := Default()
	for _, f := range []Format{Envelope, Problem} {
		d := f.(Describer)
		if len(d.Members(cat)) == 0 {
			t.Errorf("%s: no members", f.Name())
		}
		for _, s := range d.Schemas(cat) {
			if !json.Valid(s.JSON) {
				t.Errorf("%s: schema %s is not JSON: %s", f.Name(), s.Name, s.JSON)
			}
		}
	}
}
