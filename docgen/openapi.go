package docgen

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
)

// OpenAPI returns OpenAPI 3.1 components for cat's errors, in "yaml" or
// "json": a schema per format the catalog offers (written out for the
// built-in envelope and problem formats, derived from the rendered examples
// for others), the field-error schemas, the request-ID and Retry-After
// headers, one response per status (components.responses.Error422 …) whose
// content lists, per media type, an example for every code with that status
// (components.examples). The components sit in a minimal valid document
// (openapi, info, paths, components) so the output lints as is, with one
// placeholder operation (PlaceholderPath, marked x-apierr-placeholder) that
// refers to every response, so that generators which prune the components
// no operation uses (oapi-codegen does by default) keep them all. Merge its
// components into your spec and reference the responses from operations
// (or let MergeOpenAPI do it per operation):
//
//	responses:
//	  "402": {$ref: "#/components/responses/Error402"}
func OpenAPI(cat *apierr.Catalog, format string) ([]byte, error) {
	doc, err := openAPIDoc(cat)
	if err != nil {
		return nil, err
	}
	switch format {
	case "yaml", "yml", "":
		return encodeYAML(doc)
	case "json":
		return encodeJSON(doc), nil
	}
	return nil, fmt.Errorf("docgen: unknown OpenAPI format %q (yaml or json)", format)
}

func openAPIDoc(cat *apierr.Catalog) (*object, error) {
	name := cat.Name()
	if name == "" {
		name = "API"
	}
	info := obj("title", name+" errors", "version", "1.0.0")
	if cat.Description() != "" {
		info.set("description", oneLine(cat.Description()))
	}
	examples := obj()
	headers := obj(
		cat.RequestIDHeader(), obj("description", "The request's ID; quote it to support.", "schema", obj("type", "string")),
		"Retry-After", obj("description", "Seconds to wait before retrying.", "schema", obj("type", "integer", "minimum", 0)),
		"Allow", obj("description", "The methods the resource supports.", "schema", obj("type", "string")),
	)
	schemas, medias, err := errorMedias(cat)
	if err != nil {
		return nil, err
	}
	byStatus := map[int][]*apierr.Code{}
	var statuses []int
	for _, c := range cat.Codes() {
		if byStatus[c.Status] == nil {
			statuses = append(statuses, c.Status)
		}
		byStatus[c.Status] = append(byStatus[c.Status], c)
		for _, m := range medias {
			examples.set(exampleName(c.ID)+m.suffix, codeExample(cat, c, m))
		}
	}
	sort.Ints(statuses)
	responses := obj()
	for _, st := range statuses {
		codes := byStatus[st]
		var ids []string
		retryAfter := st == 429 || st == 503
		for _, c := range codes {
			ids = append(ids, c.ID)
			if c.Example != nil && c.Example.RetryAfter > 0 {
				retryAfter = true
			}
		}
		hs := obj(cat.RequestIDHeader(), obj("$ref", "#/components/headers/"+cat.RequestIDHeader()))
		if retryAfter {
			hs.set("Retry-After", obj("$ref", "#/components/headers/Retry-After"))
		}
		if st == 405 {
			hs.set("Allow", obj("$ref", "#/components/headers/Allow"))
		}
		content := obj()
		for _, m := range medias {
			exs := obj()
			for _, c := range codes {
				exs.set(exampleName(c.ID), obj("$ref", "#/components/examples/"+exampleName(c.ID)+m.suffix))
			}
			content.set(m.contentType, obj("schema", obj("$ref", "#/components/schemas/"+m.schema), "examples", exs))
		}
		responses.set("Error"+strconv.Itoa(st), obj(
			"description", fmt.Sprintf("%s: %s.", statusText(st), strings.Join(ids, ", ")),
			"headers", hs,
			"content", content,
		))
	}
	// One placeholder operation refers to every response: generators that
	// keep only what operations use (oapi-codegen prunes by default) keep
	// them all.
	refs := obj()
	for _, st := range statuses {
		refs.set(strconv.Itoa(st), obj("$ref", "#/components/responses/Error"+strconv.Itoa(st)))
	}
	paths := obj()
	if len(statuses) > 0 {
		paths.set(PlaceholderPath, obj("get", obj(
			"summary", "Every error response (a placeholder, not an endpoint)",
			"description", "Lists each error response of the catalog so that code generators which drop the components no operation uses keep them. It is not an endpoint of the API: leave it out when you copy the components into your document.",
			"operationId", "apierrErrors",
			"x-apierr-placeholder", true,
			"security", []any{},
			"responses", refs,
		)))
	}
	return obj(
		"openapi", "3.1.0",
		"info", info,
		"paths", paths,
		"components", obj(
			"schemas", schemas,
			"responses", responses,
			"headers", headers,
			"examples", examples,
		),
	), nil
}

// media is one content type of the error responses: the first format
// offering it, its body schema's component name and its examples' suffix.
type media struct {
	contentType string
	schema      string // component name
	suffix      string // example-name suffix
	f           apierr.Format
}

// errorMedias returns the body schemas of cat's formats (as components, in
// order) and the media types they answer with.
func errorMedias(cat *apierr.Catalog) (*object, []media, error) {
	schemas := obj()
	var medias []media
	for i, f := range cat.Formats() {
		m := media{contentType: f.ContentType(), f: f}
		if d, ok := f.(apierr.Describer); ok && len(d.Schemas(cat)) > 0 {
			for j, s := range d.Schemas(cat) {
				if j == 0 {
					m.schema = s.Name
				}
				v, err := decodeOrdered(s.JSON)
				if err != nil {
					return nil, nil, fmt.Errorf("docgen: format %s: schema %s: %w", f.Name(), s.Name, err)
				}
				schemas.set(s.Name, v)
			}
		} else {
			m.schema = componentName(f.Name()) + "Error"
			schemas.set(m.schema, derivedSchema(cat, f))
		}
		if i > 0 {
			m.suffix = "." + exampleName(f.Name())
		}
		// Two formats with one media type cannot both be content of a
		// response: the first (the default) wins.
		dup := false
		for _, o := range medias {
			dup = dup || o.contentType == m.contentType
		}
		if !dup {
			medias = append(medias, m)
		}
	}
	return schemas, medias, nil
}

// codeExample is the example component of code c's body in media m.
func codeExample(cat *apierr.Catalog, c *apierr.Code, m media) *object {
	value, err := decodeOrdered(cat.Render(m.f, c.ExampleError()))
	if err != nil {
		value = string(cat.Render(m.f, c.ExampleError()))
	}
	ex := obj("summary", c.ID+": "+orID(c.Title, c.ID))
	if c.Docs.When != "" {
		ex.set("description", oneLine(c.Docs.When))
	}
	ex.set("value", value)
	return ex
}

// PlaceholderPath is the path of the placeholder operation OpenAPI adds to
// refer to every error response; it is not an endpoint.
const PlaceholderPath = "/apierr-errors"

func statusText(st int) string {
	if t := http.StatusText(st); t != "" {
		return t
	}
	return "Status " + strconv.Itoa(st)
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var notComponentChar = regexp.MustCompile(`[^a-zA-Z0-9._-]`)

// exampleName makes a code id a valid component name (^[a-zA-Z0-9._-]+$).
func exampleName(id string) string { return notComponentChar.ReplaceAllString(id, "_") }

// componentName turns a format name into a PascalCase schema name.
func componentName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// derivedSchema infers a JSON Schema from the example body of every code:
// the union of the members seen, their JSON types, and as required the
// members present in every example. Every example validates against it by
// construction; members' descriptions say what they carry when known.
func derivedSchema(cat *apierr.Catalog, f apierr.Format) *object {
	var values []any
	for _, c := range cat.Codes() {
		if v, err := decodeOrdered(cat.Render(f, c.ExampleError())); err == nil {
			values = append(values, v)
		}
	}
	// The probe (every optional attribute set) adds the members no
	// example shows; it never makes a member required that an example lacks.
	if probe, _ := probeBody(cat, f); probe != nil {
		values = append(values, probe)
	}
	meaning := map[string]string{}
	for _, m := range derivedMembers(cat, f) {
		meaning[m.Name] = m.Meaning
	}
	inferred := infer("", values, meaning)
	s := obj("description", "An error of the "+orID(cat.Name(), "API")+" ("+f.ContentType()+", format "+f.Name()+"), derived from the documented examples.")
	for _, k := range inferred.keys {
		if k != "description" {
			s.set(k, inferred.vals[k])
		}
	}
	return s
}

func infer(path string, values []any, meaning map[string]string) *object {
	types := map[string]bool{}
	var objs []*object
	var items []any
	for _, v := range values {
		t := jsonType(v)
		types[t] = true
		switch x := v.(type) {
		case *object:
			objs = append(objs, x)
		case []any:
			items = append(items, x...)
		}
	}
	if types["integer"] && types["number"] {
		delete(types, "integer")
	}
	s := obj()
	var ts []string
	for _, t := range []string{"object", "array", "string", "integer", "number", "boolean", "null"} {
		if types[t] {
			ts = append(ts, t)
		}
	}
	switch len(ts) {
	case 0:
	case 1:
		s.set("type", ts[0])
	default:
		s.set("type", ts)
	}
	if d := meaning[path]; d != "" {
		s.set("description", d)
	}
	if len(objs) > 0 {
		props := obj()
		count := map[string]int{}
		var order []string
		for _, o := range objs {
			for _, k := range o.keys {
				if count[k] == 0 {
					order = append(order, k)
				}
				count[k]++
			}
		}
		var required []string
		for _, k := range order {
			var vs []any
			for _, o := range objs {
				if v, ok := o.vals[k]; ok {
					vs = append(vs, v)
				}
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			props.set(k, infer(p, vs, meaning))
			if count[k] == len(objs) {
				required = append(required, k)
			}
		}
		if len(required) > 0 {
			s.set("required", required)
		}
		s.set("properties", props)
	}
	if types["array"] {
		if len(items) > 0 {
			s.set("items", infer(path+"[]", items, meaning))
		} else {
			s.set("items", obj())
		}
	}
	return s
}
