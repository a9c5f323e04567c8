package apierr

import "bytes"

// translationSchema is the source of truth for a translation file's keys
// (errors.de.yaml): words only, keyed like the catalog.
var translationSchema = []schemaObject{
	{
		doc:      "A translation of an apierr error catalog into one language: it sits beside the catalog (errors.de.yaml beside errors.yaml) and holds only words. Statuses, actions, context, conditions and docs slugs come from the catalog; whatever a translation leaves out is sent in the catalog's language.",
		required: []string{"language"},
		props: []schemaProp{
			{"language", "The BCP 47 tag of the translation's language (de, pt-BR); it must match the tag in the file name.", typ("string", kv{"pattern", "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"})},
			{"name", "The API's name in this language.", typ("string")},
			{"description", "The catalog's description in this language.", typ("string")},
			{"field_messages", "The catalog's field messages in this language, by the catalog's keys; keep its {placeholders}.", typ("object", kv{"additionalProperties", map[string]any{"type": "string"}})},
			{"codes", "The codes' words in this language, keyed by the catalog's code ids (its own codes and the built-in ones it answers with).", typ("object", kv{"additionalProperties", map[string]any{"$ref": "#/$defs/codeText"}})},
		},
	},
	{
		name: "codeText",
		doc:  "One code's words in this language.",
		props: []schemaProp{
			{"title", "The title.", typ("string")},
			{"message", "The default message.", typ("string")},
			{"detail", "The default detail.", typ("string")},
			{"docs", "The documentation sections.", ref("docs")},
			{"example", "The documented example's words.", ref("exampleText")},
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
		name: "exampleText",
		doc:  "The words of a documented occurrence.",
		props: []schemaProp{
			{"message", "Its message.", typ("string")},
			{"detail", "Its detail.", typ("string")},
			{"fields", "Its field messages, per field in the catalog's order: a mapping of field to messages, or a list of {field, rule, message}.", []kv{{"oneOf", []any{
				map[string]any{"type": "object", "additionalProperties": map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}}},
				map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/fieldError"}},
			}}}},
		},
	},
	{
		name: "fieldError",
		doc:  "One field's message.",
		props: []schemaProp{
			{"field", "The field's path as in the catalog.", typ("string")},
			{"rule", "The rule that failed.", typ("string")},
			{"message", "The message in this language.", typ("string")},
		},
	},
}

// TranslationSchema returns the JSON Schema (draft 2020-12) of a
// translation file (errors.de.yaml: see Translation). Put
//
//	# yaml-language-server: $schema=errors.translation.schema.json
//
// at the top of the file. Whether its codes and field messages exist in
// the catalog, and whether its placeholders match, is for apierr lint.
func TranslationSchema() []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	writeObject(&b, translationSchema[0], 1, []kv{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "apierr catalog translation (errors.<language>.yaml)"},
	})
	b.WriteString(",\n  \"$defs\": {\n")
	for i, o := range translationSchema[1:] {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    " + quote(o.name) + ": {\n")
		writeObject(&b, o, 3, nil)
		b.WriteString("\n    }")
	}
	b.WriteString("\n  }\n}\n")
	return b.Bytes()
}
