package apierr

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The catalog's vocabulary, written once: CatalogSchema renders it as a JSON
// Schema (for editors and validators), docgen renders the reference page of
// every key from that schema, and a test holds the loader's key lists to
// it, so the three cannot drift.

// schemaProp is one key of a catalog object.
type schemaProp struct {
	name string
	doc  string
	// schema is the property's JSON Schema as ordered key/value pairs.
	schema []kv
}

// schemaObject is one object of the catalog file.
type schemaObject struct {
	name     string // "" for the file itself, else its name in $defs
	doc      string
	required []string
	props    []schemaProp
}

type kv struct {
	k string
	v any
}

func typ(t string, more ...kv) []kv { return append([]kv{{"type", t}}, more...) }
func ref(def string) []kv           { return []kv{{"$ref", "#/$defs/" + def}} }

var jsonTypeEnum = kv{"enum", jsonTypes}

// catalogSchema is the source of truth for errors.yaml's keys.
var catalogSchema = []schemaObject{
	{
		doc:      "An apierr error catalog: every error code an API can send, the docs each one links to, and the shape of the error body.",
		required: []string{"codes"},
		props: []schemaProp{
			{"name", "The API's name, shown in the docs and generated code.", typ("string")},
			{"description", "What a client should know about the API's errors, shown at the top of the reference page.", typ("string")},
			{"docs_url", "Where each code's docs live: a URL (or a root-relative path) with {slug} or {code} for a page per code, or without a placeholder for one page with an anchor per code. Default /errors/{slug}.", typ("string")},
			{"slug", "How a code id becomes its docs slug: hyphen (insufficient_balance → insufficient-balance, the default), underscore (lower case, words joined by _) or exact.", typ("string", kv{"enum", []string{"hyphen", "underscore", "exact"}})},
			{"format", "The body shape sent when the client does not ask for another: envelope (the default), problem (RFC 9457), or the name of a format the program registers (apierr.WithFormats).", typ("string")},
			{"formats", "Every body shape a client may ask for with Accept; the first is the default when format is not set.", typ("array", kv{"items", map[string]any{"type": "string"}})},
			{"request_id_header", "The header that carries the request ID (default X-Request-ID).", typ("string")},
			{"foreign_resource", "What a caller gets for another tenant's resource: not_found (the default, nothing is revealed) or forbidden.", typ("string", kv{"enum", []string{"not_found", "forbidden"}})},
			{"language", "The BCP 47 tag of the language the catalog is written in (default en). Translations into other languages sit beside it: errors.de.yaml for errors.yaml.", typ("string")},
			{"field_messages", "The API's own messages for failed validation rules, keyed by rule (e164) or by field path and rule (to.required): {field} is the field's path, {param} the rule's parameter. They win over the validator's messages, in every language the catalog is translated into.", typ("object", kv{"additionalProperties", map[string]any{"type": "string"}})},
			{"codes", "The error codes, keyed by their id (its case is the API's choice: insufficient_balance, RATE_LIMIT_EXCEEDED).", typ("object", kv{"additionalProperties", map[string]any{"$ref": "#/$defs/code"}})},
			{"common_codes", "The codes every operation can return (authentication, rate limits, internal errors …), declared once instead of under each operation.", typ("array", kv{"items", map[string]any{"type": "string"}}, kv{"uniqueItems", true})},
			{"operations", "Which codes each operation returns beyond common_codes, keyed by METHOD /path (an OpenAPI path template: POST /fax, DELETE /fax/{id}) or by operationId: a list of code ids, or an operation object. The reference page lists them per endpoint and apierr openapi --merge adds them to each operation.", typ("object",
				kv{"propertyNames", map[string]any{"pattern": `^((GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /[^\s?#]*|[^\s/{}]+)$`}},
				kv{"additionalProperties", map[string]any{"oneOf": []any{
					map[string]any{"type": "null"},
					map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "uniqueItems": true},
					map[string]any{"$ref": "#/$defs/operation"},
				}}})},
		},
	},
	{
		name:     "code",
		doc:      "One error code.",
		required: []string{"status", "message"},
		props: []schemaProp{
			{"status", "The HTTP status sent with the code, 400 to 599.", typ("integer", kv{"minimum", 400}, kv{"maximum", 599})},
			{"title", "A short name for the code, for the docs and RFC 9457's title.", typ("string")},
			{"message", "The default human-readable message. Clients show it; they never match on it.", typ("string")},
			{"detail", "A default longer explanation (RFC 9457's detail).", typ("string")},
			{"action", "The programmatic next step a client can branch on, e.g. retry, top_up_balance, fix_request.", typ("string")},
			{"retryable", "Whether sending the same request again may succeed (429 and 5xx usually are; other 4xx are not).", typ("boolean")},
			{"condition", "The built-in condition(s) this code answers, raised by apierr's middleware (a router 404, a rate limit …): one name or a list.", []kv{{"oneOf", []any{map[string]any{"$ref": "#/$defs/condition"}, map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/condition"}, "minItems": 1}}}}},
			{"rules", "Validation rules (go-playground/validator tags such as uuid, e164) whose failures answer with this code instead of the validation_failed code.", typ("array", kv{"items", map[string]any{"type": "string"}})},
			{"docs", "The code's documentation sections.", ref("docs")},
			{"context", "The members of the body's context the code documents, keyed by name: a description, or a context key object.", typ("object", kv{"additionalProperties", map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"$ref": "#/$defs/contextKey"}}}})},
			{"example", "A documented occurrence: what differs from the code's defaults. The docs render it in the API's own format.", ref("example")},
		},
	},
	{
		name: "operation",
		doc:  "One operation: its operationId and the codes it returns beyond common_codes.",
		props: []schemaProp{
			{"id", "The operation's operationId, which apierr openapi --merge also matches by (only under a METHOD /path key).", typ("string")},
			{"codes", "The ids of the codes the operation returns.", typ("array", kv{"items", map[string]any{"type": "string"}}, kv{"uniqueItems", true})},
		},
	},
	{
		name: "docs",
		doc:  "A code's documentation sections.",
		props: []schemaProp{
			{"when", "When the code fires.", typ("string")},
			{"cause", "What usually caused it.", typ("string")},
			{"next", "What the client should do next.", typ("string")},
		},
	},
	{
		name: "contextKey",
		doc:  "One documented context member.",
		props: []schemaProp{
			{"type", "Its JSON type.", typ("string", jsonTypeEnum)},
			{"description", "What it holds.", typ("string")},
			{"required", "True when every error of the code carries it; generated constructors take it as a parameter, the others are optional.", typ("boolean")},
			{"items", "The JSON type of an array's elements.", typ("string", jsonTypeEnum)},
		},
	},
	{
		name: "example",
		doc:  "A documented occurrence of a code.",
		props: []schemaProp{
			{"message", "The message of this occurrence.", typ("string")},
			{"detail", "Its detail.", typ("string")},
			{"context", "Its context members.", typ("object")},
			{"fields", "Its field errors: a mapping of field to messages, or a list of {field, rule, message}.", []kv{{"oneOf", []any{
				map[string]any{"type": "object", "additionalProperties": map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}}},
				map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/fieldError"}},
			}}}},
			{"retry_after", "The Retry-After of this occurrence: seconds, or a duration like 45s.", []kv{{"type", []string{"integer", "string"}}}},
			{"request_id", "The request ID shown in the example.", typ("string")},
		},
	},
	{
		name: "fieldError",
		doc:  "One field's validation failure.",
		props: []schemaProp{
			{"field", "The field's path as the client sent it (participant.number).", typ("string")},
			{"rule", "The rule that failed (required, e164 …).", typ("string")},
			{"message", "What is wrong, for people.", typ("string")},
		},
	},
}

// schemaKeys returns the keys the object named name declares.
func schemaKeys(name string) []string {
	for _, o := range catalogSchema {
		if o.name == name {
			keys := make([]string, len(o.props))
			for i, p := range o.props {
				keys[i] = p.name
			}
			return keys
		}
	}
	return nil
}

// CatalogSchema returns the JSON Schema (draft 2020-12) of a catalog file,
// errors.yaml. Editors use it for completion and checks: put
//
//	# yaml-language-server: $schema=errors.schema.json
//
// at the top of the file (`apierr schema` prints it; `apierr init` writes
// both). The loader checks more than the schema can say (a condition bound
// twice, mixed id case styles, a docs URL that does not parse); Load's
// errors have the last word.
func CatalogSchema() []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	writeObject(&b, catalogSchema[0], 1, []kv{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "apierr error catalog (errors.yaml)"},
	})
	b.WriteString(",\n  \"$defs\": {\n")
	for i, o := range catalogSchema[1:] {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    " + quote(o.name) + ": {\n")
		writeObject(&b, o, 3, nil)
		b.WriteString("\n    }")
	}
	conds := make([]string, len(Conditions))
	for i, c := range Conditions {
		conds[i] = string(c)
	}
	b.WriteString(",\n    \"condition\": {\n      \"description\": \"A built-in condition apierr's middleware raise.\",\n      \"enum\": ")
	b.Write(compact(conds))
	b.WriteString("\n    }\n  }\n}\n")
	return b.Bytes()
}

func writeObject(b *bytes.Buffer, o schemaObject, depth int, head []kv) {
	ind := strings.Repeat("  ", depth)
	pairs := append(head, kv{"description", o.doc}, kv{"type", "object"})
	if len(o.required) > 0 {
		pairs = append(pairs, kv{"required", o.required})
	}
	pairs = append(pairs, kv{"additionalProperties", false})
	for _, p := range pairs {
		b.WriteString(ind + quote(p.k) + ": ")
		b.Write(compact(p.v))
		b.WriteString(",\n")
	}
	b.WriteString(ind + "\"properties\": {\n")
	for i, p := range o.props {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(ind + "  " + quote(p.name) + ": {")
		b.WriteString(quote("description") + ": ")
		b.Write(compact(p.doc))
		for _, s := range p.schema {
			b.WriteString(", " + quote(s.k) + ": ")
			b.Write(compact(s.v))
		}
		b.WriteString("}")
	}
	b.WriteString("\n" + ind + "}")
}

func quote(s string) string { return string(compact(s)) }

// compact encodes v without HTML escaping; map keys come out sorted.
func compact(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("apierr: schema value does not encode: " + err.Error()) // fixed data: a bug here
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}
