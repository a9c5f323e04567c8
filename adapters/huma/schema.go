package apierrhuma

import (
	"bytes"
	"encoding/json"
	"path"
	"sync"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
	"github.com/danielgtaylor/huma/v2"
)

// schemas are the catalog's error schemas as `apierr openapi` writes them,
// by component name, and the name of the default format's.
type schemas struct {
	all  map[string]*huma.Schema
	main string
}

var schemaCache sync.Map // *apierr.Catalog → *schemas

func schemasOf(cat *apierr.Catalog) *schemas {
	if s, ok := schemaCache.Load(cat); ok {
		return s.(*schemas)
	}
	s := &schemas{all: map[string]*huma.Schema{}}
	doc, err := docgen.OpenAPI(cat, "json")
	if err == nil {
		// huma.Schema has no JSON tags: encoding/json matches its fields by
		// name, which leaves only "$ref" to spell its way.
		doc = bytes.ReplaceAll(doc, []byte(`"$ref":`), []byte(`"Ref":`))
		var parsed struct {
			Components struct {
				Schemas   map[string]*huma.Schema
				Responses map[string]struct {
					Content map[string]struct{ Schema struct{ Ref string } }
				}
			}
		}
		if json.Unmarshal(doc, &parsed) == nil {
			s.all = parsed.Components.Schemas
			ct := cat.Formats()[0].ContentType()
			for _, r := range parsed.Components.Responses {
				if m, ok := r.Content[ct]; ok && m.Schema.Ref != "" {
					s.main = path.Base(m.Schema.Ref)
					break
				}
			}
		}
	}
	for _, sc := range s.all {
		fixNested(sc)
	}
	if s.all[s.main] == nil {
		// Never without a schema: an object is what every format writes.
		s.main = "Error"
		s.all = map[string]*huma.Schema{s.main: {Type: huma.TypeObject}}
	}
	v, _ := schemaCache.LoadOrStore(cat, s)
	return v.(*schemas)
}

// fixNested turns additionalProperties that decoded as a map into a schema.
func fixNested(s *huma.Schema) {
	if s == nil {
		return
	}
	if m, ok := s.AdditionalProperties.(map[string]any); ok {
		b, _ := json.Marshal(m)
		b = bytes.ReplaceAll(b, []byte(`"$ref":`), []byte(`"Ref":`))
		var sub huma.Schema
		if json.Unmarshal(b, &sub) == nil {
			s.AdditionalProperties = &sub
			fixNested(&sub)
		}
	}
	fixNested(s.Items)
	for _, p := range s.Properties {
		fixNested(p)
	}
}

// registerSchemas puts the catalog's error schemas in huma's components.
func registerSchemas(r huma.Registry, cat *apierr.Catalog) {
	s := schemasOf(cat)
	m := r.Map()
	for name, sc := range s.all {
		if name != s.main && m[name] == nil {
			m[name] = sc
		}
	}
}

// Schema returns the schema of the configured catalog's default format,
// inline (huma adds a "$schema" member to the response types it finds by
// reference, which a catalog error does not carry), with the schemas it
// refers to registered beside the API's.
func (*Error) Schema(r huma.Registry) *huma.Schema {
	cat := catalog()
	registerSchemas(r, cat)
	return schemasOf(cat).all[schemasOf(cat).main]
}
