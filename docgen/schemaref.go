package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// CatalogReference returns the reference page of every key of a catalog
// file, in Markdown, rendered from a JSON Schema such as
// apierr.CatalogSchema(): the schema is the one source, so the page, the
// editor's completion and the loader (held to the same table by a test)
// cannot disagree.
func CatalogReference(schema []byte) ([]byte, error) {
	var s struct {
		Title       string                     `json:"title"`
		Description string                     `json:"description"`
		Required    []string                   `json:"required"`
		Properties  orderedProps               `json:"properties"`
		Defs        map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("docgen: catalog schema: %w", err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: every key\n\n", s.Title)
	b.WriteString("<!-- Generated from apierr.CatalogSchema() by docgen.CatalogReference; do not edit. -->\n\n")
	fmt.Fprintf(&b, "%s The JSON Schema beside this page, [errors.schema.json](errors.schema.json), says the same for editors: start a catalog with\n\n    # yaml-language-server: $schema=errors.schema.json\n\n", s.Description)
	writeSchemaTable(&b, "The file", s.Required, s.Properties)
	for _, name := range []string{"code", "docs", "contextKey", "example", "fieldError"} {
		var d struct {
			Description string       `json:"description"`
			Required    []string     `json:"required"`
			Properties  orderedProps `json:"properties"`
		}
		raw, ok := s.Defs[name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("docgen: catalog schema $defs.%s: %w", name, err)
		}
		writeSchemaTable(&b, "<a id=\""+name+"\"></a>`"+name+"`: "+d.Description, d.Required, d.Properties)
	}
	if raw, ok := s.Defs["condition"]; ok {
		var c struct {
			Description string   `json:"description"`
			Enum        []string `json:"enum"`
		}
		if err := json.Unmarshal(raw, &c); err == nil {
			fmt.Fprintf(&b, "## <a id=\"condition\"></a>Conditions\n\n%s One of: `%s`.\n", c.Description, strings.Join(c.Enum, "`, `"))
		}
	}
	return b.Bytes(), nil
}

// orderedProps keeps a JSON object's properties in document order.
type orderedProps []schemaProperty

type schemaProperty struct {
	Name string
	Def  map[string]any
}

func (o *orderedProps) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var def map[string]any
		if err := dec.Decode(&def); err != nil {
			return err
		}
		*o = append(*o, schemaProperty{Name: fmt.Sprint(tok), Def: def})
	}
	return nil
}

func writeSchemaTable(b *bytes.Buffer, title string, required []string, props orderedProps) {
	fmt.Fprintf(b, "## %s\n\n| key | type | required | meaning |\n|---|---|---|---|\n", title)
	for _, p := range props {
		req := ""
		for _, r := range required {
			if r == p.Name {
				req = "yes"
			}
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.Name, schemaType(p.Def), req, cell(fmt.Sprint(p.Def["description"])))
	}
	b.WriteString("\n")
}

// schemaType names a property's type for people: a type, an enum, a link to
// a defined object, or the alternatives of a oneOf.
func schemaType(def map[string]any) string {
	if r, ok := def["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/$defs/")
		return "[" + name + "](#" + name + ")"
	}
	if alts, ok := def["oneOf"].([]any); ok {
		var out []string
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok {
				out = append(out, schemaType(m))
			}
		}
		return strings.Join(out, " or ")
	}
	var t string
	switch x := def["type"].(type) {
	case string:
		t = x
	case []any:
		var ts []string
		for _, e := range x {
			ts = append(ts, fmt.Sprint(e))
		}
		t = strings.Join(ts, " or ")
	}
	if enum, ok := def["enum"].([]any); ok {
		var vs []string
		for _, e := range enum {
			vs = append(vs, "`"+fmt.Sprint(e)+"`")
		}
		t += ": " + strings.Join(vs, ", ")
	}
	if items, ok := def["items"].(map[string]any); ok {
		t += " of " + schemaType(items)
	}
	if values, ok := def["additionalProperties"].(map[string]any); ok {
		t += " of name → " + schemaType(values)
	}
	if t == "" {
		return "any"
	}
	return t
}
