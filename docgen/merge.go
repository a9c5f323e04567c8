package docgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apierr/apierr"
)

// MergeOptions says what MergeOpenAPI adds and how it writes the result.
type MergeOptions struct {
	// Operations are the operations whose errors are added, each with
	// every code it can return. Nil means the catalog's own
	// (Catalog.Operations); pass routes collected in Go here.
	Operations []apierr.Operation
	// Format is the output's: "yaml", "json", or "" for the input's.
	Format string
}

// Merged is the document MergeOpenAPI wrote and what it did.
type Merged struct {
	// Data is the whole document.
	Data []byte
	// Format is Data's: "yaml" or "json".
	Format string
	// Version is the document's openapi member, e.g. "3.0.3".
	Version string
	// Responses counts the error responses added to operations.
	Responses int
	// Notices say what was left alone and why: a response the document
	// already had, an operation the catalog declares no errors for, a
	// declared operation the document does not have, a component renamed
	// because the document has one of that name.
	Notices []string
}

// SpecError is a document MergeOpenAPI cannot merge into: not YAML or
// JSON, not an OpenAPI 3.0 or 3.1 document, or a member of the wrong type.
type SpecError struct {
	Problem string
}

func (e *SpecError) Error() string { return "docgen: OpenAPI document: " + e.Problem }

// maxSpecBytes bounds the document MergeOpenAPI reads.
const maxSpecBytes = 64 << 20

// MergeOpenAPI writes spec, a user's OpenAPI 3.0 or 3.1 document (YAML or
// JSON), with the errors of every operation opts.Operations declares added
// by $ref: for each status the operation can answer with, a response
// component (components.responses.<Op>Error<status>) whose content has, per
// media type the catalog answers with, a schema that admits only that
// operation's codes (a oneOf of one schema per code, the code member an
// enum of one value and the context member the code's documented context,
// with a discriminator on the code member when it is a top-level member),
// an example per code, and the headers the runtime sends: the request ID,
// WWW-Authenticate on 401, Retry-After, RateLimit and RateLimit-Policy on
// 429, Retry-After on 503 (and wherever a code's example retries), Allow on
// 405.
//
// Everything else in spec is kept, in its order (YAML comments too). A
// status the operation already answers is not replaced, operations the
// catalog says nothing about are left as they are, and a component name the
// document already uses for something else gets the catalog's name as a
// prefix: Merged.Notices lists each. For a 3.0 document the schemas are
// written in 3.0's dialect (nullable instead of a null type, enum instead
// of const). Merging into a document merged before gives the same document
// when the catalog has not changed.
func MergeOpenAPI(cat *apierr.Catalog, spec []byte, opts MergeOptions) (*Merged, error) {
	switch opts.Format {
	case "", "yaml", "json":
	case "yml":
		opts.Format = "yaml"
	default:
		return nil, fmt.Errorf("docgen: unknown OpenAPI format %q (yaml or json)", opts.Format)
	}
	doc, inFormat, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	m := &merger{cat: cat, root: root, out: &Merged{Format: inFormat}}
	if opts.Format != "" {
		m.out.Format = opts.Format
	}
	if err := m.version(); err != nil {
		return nil, err
	}
	ops := opts.Operations
	if ops == nil {
		ops = cat.Operations()
	}
	if err := m.merge(ops); err != nil {
		return nil, err
	}
	var data []byte
	if m.out.Format == "json" {
		var b bytes.Buffer
		if err := writeNodeJSON(&b, root, ""); err != nil {
			return nil, &SpecError{err.Error()}
		}
		b.WriteByte('\n')
		data = b.Bytes()
	} else {
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return nil, &SpecError{"cannot write it as YAML: " + err.Error()}
		}
		if err := enc.Close(); err != nil {
			return nil, &SpecError{"cannot write it as YAML: " + err.Error()}
		}
		data = b.Bytes()
	}
	m.out.Data = data
	return m.out, nil
}

// parseSpec reads a YAML or JSON document: JSON when its first character
// opens an object, YAML otherwise.
func parseSpec(data []byte) (*yaml.Node, string, error) {
	if len(data) > maxSpecBytes {
		return nil, "", &SpecError{fmt.Sprintf("%d bytes, more than the %d read", len(data), maxSpecBytes)}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	if len(bytes.TrimSpace(trimmed)) == 0 {
		return nil, "", &SpecError{"empty"}
	}
	var doc *yaml.Node
	format := "yaml"
	if trimmed[0] == '{' || trimmed[0] == '[' {
		format = "json"
		var check any
		if err := json.Unmarshal(trimmed, &check); err != nil {
			return nil, "", &SpecError{"not valid JSON: " + jsonErrorAt(trimmed, err)}
		}
		v, err := decodeOrdered(trimmed)
		if err != nil {
			return nil, "", &SpecError{"not valid JSON: " + jsonErrorAt(trimmed, err)}
		}
		doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{yamlNode(v)}}
	} else {
		doc = &yaml.Node{}
		if err := yaml.Unmarshal(data, doc); err != nil {
			return nil, "", &SpecError{"not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
			return nil, "", &SpecError{"empty"}
		}
		// Decoding the whole document catches what the node tree lets
		// through: excessive aliasing, merge keys that are not maps.
		var check any
		if err := doc.Decode(&check); err != nil {
			return nil, "", &SpecError{"not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		}
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, "", &SpecError{"the top level is not an object"}
	}
	return doc, format, nil
}

// jsonErrorAt names the line and column of a JSON syntax error.
func jsonErrorAt(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err.Error()
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type merger struct {
	cat  *apierr.Catalog
	root *yaml.Node
	out  *Merged
	v30  bool

	medias []media
	bases  *object // the format schemas, by component name
	comps  *yaml.Node
	// names maps a section and a wanted name to the name given, once
	// added; existing holds the document's own components.
	names    map[string]string
	existing map[string]map[string]*yaml.Node
	taken    map[string]map[string]any // our additions, decoded
	prefix   string
}

func (m *merger) version() error {
	v := mapGet(m.root, "openapi")
	if v == nil {
		if mapGet(m.root, "swagger") != nil {
			return &SpecError{"a Swagger 2.0 document: apierr merges into OpenAPI 3.0 or 3.1 (convert it first)"}
		}
		return &SpecError{"not an OpenAPI document: it has no openapi member"}
	}
	if v.Kind != yaml.ScalarNode {
		return &SpecError{"openapi is not a version string"}
	}
	switch {
	case v.Value == "3.0" || strings.HasPrefix(v.Value, "3.0."):
		m.v30 = true
	case v.Value == "3.1" || strings.HasPrefix(v.Value, "3.1."):
	default:
		return &SpecError{fmt.Sprintf("OpenAPI %q: apierr merges into 3.0 and 3.1 documents", v.Value)}
	}
	m.out.Version = v.Value
	return nil
}

// specOp is one operation of the document.
type specOp struct {
	method, path string // POST, /fax/{id}
	node         *yaml.Node
	id           string
	declared     bool
}

func (m *merger) merge(ops []apierr.Operation) error {
	var all []*specOp
	byKey := map[string]*specOp{}
	byID := map[string]*specOp{}
	refItems := map[string][2]string{} // normalised path → the document's path, its path item's $ref
	if paths := mapGet(m.root, "paths"); paths != nil {
		if paths.Kind != yaml.MappingNode {
			return &SpecError{"paths is not an object"}
		}
		for i := 0; i+1 < len(paths.Content); i += 2 {
			p, item := paths.Content[i].Value, resolve(paths.Content[i+1])
			if item.Kind != yaml.MappingNode {
				return &SpecError{fmt.Sprintf("paths[%q] is not an object", p)}
			}
			if ref := mapGet(item, "$ref"); ref != nil && ref.Kind == yaml.ScalarNode {
				refItems[normPath(p)] = [2]string{p, ref.Value}
			}
			for _, meth := range httpMethods {
				op := mapGet(item, meth)
				if op == nil {
					continue
				}
				if op.Kind != yaml.MappingNode {
					return &SpecError{fmt.Sprintf("paths[%q].%s is not an object", p, meth)}
				}
				so := &specOp{method: strings.ToUpper(meth), path: p, node: op}
				if id := mapGet(op, "operationId"); id != nil && id.Kind == yaml.ScalarNode {
					so.id = id.Value
					byID[so.id] = so
				}
				all = append(all, so)
				byKey[so.method+" "+normPath(p)] = so
			}
		}
	}
	for _, op := range ops {
		so := byID[op.ID]
		if so == nil || op.ID == "" {
			so = byKey[strings.ToUpper(op.Method)+" "+normPath(op.Path)]
		}
		name := opLabel(op)
		if so == nil {
			if ri, ok := refItems[normPath(op.Path)]; ok {
				m.notice("%s: the document's path item %s is a $ref (%q), not followed: nothing added", name, ri[0], ri[1])
				continue
			}
			m.notice("%s: declared in the catalog, not in the document: nothing added", name)
			continue
		}
		if so.declared {
			continue
		}
		so.declared = true
		if err := m.mergeOp(so, op.Codes); err != nil {
			return err
		}
	}
	for _, so := range all {
		if !so.declared {
			m.notice("%s %s: the catalog declares no errors for it: left as it was", so.method, so.path)
		}
	}
	return nil
}

func opLabel(op apierr.Operation) string {
	switch {
	case op.Method != "" && op.Path != "":
		return strings.ToUpper(op.Method) + " " + op.Path
	case op.ID != "":
		return "operation " + op.ID
	}
	return "an operation with no method, path or id"
}

var pathParam = regexp.MustCompile(`\{[^}/]*\}`)

// normPath makes path templates that differ only in parameter names equal.
func normPath(p string) string { return pathParam.ReplaceAllString(p, "{}") }

func (m *merger) notice(format string, args ...any) {
	m.out.Notices = append(m.out.Notices, fmt.Sprintf(format, args...))
}

func (m *merger) mergeOp(so *specOp, codes []string) error {
	label := so.method + " " + so.path
	byStatus := map[int][]*apierr.Code{}
	var statuses []int
	for _, id := range codes {
		c := m.cat.Lookup(id)
		if c == nil {
			m.notice("%s: code %q is not in the catalog: skipped", label, id)
			continue
		}
		if byStatus[c.Status] == nil {
			statuses = append(statuses, c.Status)
		}
		byStatus[c.Status] = append(byStatus[c.Status], c)
	}
	sort.Ints(statuses)
	if len(statuses) == 0 {
		return nil
	}
	if err := m.setup(); err != nil {
		return err
	}
	responses := mapGet(so.node, "responses")
	if responses == nil {
		responses = &yaml.Node{Kind: yaml.MappingNode}
		mapSet(so.node, "responses", responses)
	}
	if responses.Kind != yaml.MappingNode {
		return &SpecError{fmt.Sprintf("%s: responses is not an object", label)}
	}
	opName := so.id
	if opName == "" {
		opName = strings.ToLower(so.method) + " " + so.path
	}
	opName = componentName(opName)
	if opName == "" || opName[0] >= '0' && opName[0] <= '9' {
		opName = "Op" + opName
	}
	for _, st := range statuses {
		key := strconv.Itoa(st)
		want := opName + "Error" + key
		if have := mapGet(responses, key); have != nil {
			if ref := mapGet(have, "$ref"); ref == nil || !m.ours(ref.Value, want) {
				m.notice("%s: kept the document's own %d response", label, st)
				continue
			}
		}
		name, err := m.response(want, label, st, byStatus[st])
		if err != nil {
			return err
		}
		ref := &yaml.Node{Kind: yaml.MappingNode}
		mapSet(ref, "$ref", strNode("#/components/responses/"+name))
		insertStatus(responses, key, ref)
		m.out.Responses++
	}
	return nil
}

// ours reports whether ref names the response component want (or a name
// add gives it), as a merge before this one added it: merging again
// replaces it.
func (m *merger) ours(ref, want string) bool {
	name, ok := strings.CutPrefix(ref, "#/components/responses/")
	if !ok || m.existing["responses"][name] == nil {
		return false
	}
	if name == want {
		return true
	}
	rest, ok := strings.CutPrefix(name, m.prefix+want)
	if !ok {
		return false
	}
	_, err := strconv.Atoi(rest)
	return rest == "" || err == nil
}

// insertStatus puts key among responses' keys in numeric order, before
// the ranges (4XX) and default.
func insertStatus(responses *yaml.Node, key string, v *yaml.Node) {
	n, _ := strconv.Atoi(key)
	at := len(responses.Content)
	for i := 0; i+1 < len(responses.Content); i += 2 {
		k := responses.Content[i].Value
		if k == key {
			responses.Content[i+1] = v
			return
		}
		if kn, err := strconv.Atoi(k); err != nil || kn > n {
			at = i
			break
		}
	}
	kv := []*yaml.Node{strNode(key), v}
	responses.Content = append(responses.Content[:at], append(kv, responses.Content[at:]...)...)
}

// setup reads the document's components once, the first time a response
// is added.
func (m *merger) setup() error {
	if m.comps != nil {
		return nil
	}
	bases, medias, err := errorMedias(m.cat)
	if err != nil {
		return err
	}
	m.bases, m.medias = bases, medias
	m.names = map[string]string{}
	m.taken = map[string]map[string]any{}
	m.existing = map[string]map[string]*yaml.Node{}
	m.prefix = componentName(m.cat.Name())
	if m.prefix == "" {
		m.prefix = "Apierr"
	}
	comps := mapGet(m.root, "components")
	if comps == nil {
		comps = &yaml.Node{Kind: yaml.MappingNode}
		mapSet(m.root, "components", comps)
	}
	if comps.Kind != yaml.MappingNode {
		return &SpecError{"components is not an object"}
	}
	m.comps = comps
	for _, section := range []string{"schemas", "responses", "headers", "examples"} {
		m.existing[section] = map[string]*yaml.Node{}
		s := mapGet(comps, section)
		if s == nil {
			continue
		}
		if s.Kind != yaml.MappingNode {
			return &SpecError{"components." + section + " is not an object"}
		}
		for i := 0; i+1 < len(s.Content); i += 2 {
			m.existing[section][s.Content[i].Value] = s.Content[i+1]
		}
	}
	return nil
}

// add puts v in components.<section> under want, or under another name
// when the document uses want for something else, and returns the name.
// Adding the same name twice adds it once.
func (m *merger) add(section, want string, v any) string {
	if name, ok := m.names[section+"/"+want]; ok {
		return name
	}
	node := yamlNode(v)
	var mine any
	_ = node.Decode(&mine)
	candidates := []string{want, m.prefix + want}
	for i := 2; i < 100; i++ {
		candidates = append(candidates, m.prefix+want+strconv.Itoa(i))
	}
	name := ""
	for _, c := range candidates {
		if ex := m.existing[section][c]; ex != nil {
			var theirs any
			if ex.Decode(&theirs) == nil && reflect.DeepEqual(theirs, mine) {
				name = c // merged before: the same component
				break
			}
			continue
		}
		if t, ok := m.taken[section][c]; ok {
			if reflect.DeepEqual(t, mine) {
				name = c
				break
			}
			continue
		}
		name = c
		s := mapGet(m.comps, section)
		if s == nil {
			s = &yaml.Node{Kind: yaml.MappingNode}
			mapSet(m.comps, section, s)
		}
		mapSet(s, c, node)
		if m.taken[section] == nil {
			m.taken[section] = map[string]any{}
		}
		m.taken[section][c] = mine
		break
	}
	if name == "" {
		name = want // unreachable in practice: 100 clashes
	}
	if name != want && m.existing[section][want] != nil {
		m.notice("components.%s.%s: the document has its own; the catalog's is %s", section, want, name)
	}
	m.names[section+"/"+want] = name
	return name
}

func schemaRef(name string) *object { return obj("$ref", "#/components/schemas/"+name) }

// baseSchema adds the format schema name (and those it refers to) and
// returns the name it was given.
func (m *merger) baseSchema(name string, seen map[string]bool) string {
	if got, ok := m.names["schemas/"+name]; ok {
		return got
	}
	v, ok := m.bases.vals[name]
	if !ok || seen[name] {
		return name
	}
	seen[name] = true
	v = rewriteRefs(v, func(ref string) string {
		dep, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if !ok {
			return ref
		}
		return "#/components/schemas/" + m.baseSchema(dep, seen)
	})
	return m.add("schemas", name, m.dialect(v))
}

// dialect writes a 3.1 schema in 3.0's dialect when the document is 3.0.
func (m *merger) dialect(v any) any {
	if !m.v30 {
		return v
	}
	return schema30(v)
}

// contextSchema adds the schema of code c's documented context; orNull
// admits null too, for a format that writes null when there is no context.
func (m *merger) contextSchema(c *apierr.Code, orNull bool) string {
	props := obj()
	var required []string
	for _, k := range c.ContextKeys {
		p := obj()
		if k.Type != "" {
			p.set("type", k.Type)
		}
		if k.Type == "array" {
			items := obj()
			if k.Items != "" {
				items.set("type", k.Items)
			}
			p.set("items", items)
		}
		if k.Description != "" {
			p.set("description", oneLine(k.Description))
		}
		props.set(k.Name, p)
		if k.Required {
			required = append(required, k.Name)
		}
	}
	s := obj("type", "object", "description", "What an error "+c.ID+" carries in its context.")
	name := tsName(c.ID) + "Context"
	if orNull {
		s = obj("type", []any{"object", "null"}, "description", "What an error "+c.ID+" carries in its context, null when it carries nothing.")
		name += "OrNull"
	}
	if len(required) > 0 {
		s.set("required", required)
	}
	s.set("properties", props)
	return m.add("schemas", name, m.dialect(s))
}

// contextNullWhenEmpty reports whether format f writes null at contextAt
// for an error that carries no context (the inbox seed's "details": null).
func contextNullWhenEmpty(f apierr.Format, contextAt []string) bool {
	var v any
	if json.Unmarshal(f.AppendBody(nil, &apierr.Error{Code: "apierr_probe", Status: 400, Message: "probe"}), &v) != nil {
		return false
	}
	for _, k := range contextAt {
		o, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = o[k]; !ok {
			return false
		}
	}
	return v == nil
}

// variant adds the schema of code c's body in media md: the format's
// schema with the code member restricted to c and the context member to
// c's context.
func (m *merger) variant(c *apierr.Code, md media, base string, codeAt, contextAt []string, nullCtx bool) string {
	restrict := obj("type", "object")
	setPath(restrict, codeAt, obj("type", "string", "enum", []any{c.ID}), true)
	if contextAt != nil && len(c.ContextKeys) > 0 {
		setPath(restrict, contextAt, schemaRef(m.contextSchema(c, nullCtx)), false)
	}
	s := obj("description", "An error "+c.ID+" ("+md.contentType+").",
		"allOf", []any{schemaRef(base), restrict})
	return m.add("schemas", tsName(c.ID)+md.schema, s)
}

// setPath nests leaf in o's properties along path.
func setPath(o *object, path []string, leaf *object, required bool) {
	if len(path) == 0 {
		return
	}
	props, _ := o.vals["properties"].(*object)
	if props == nil {
		props = obj()
		o.set("properties", props)
	}
	if required {
		req, _ := o.vals["required"].([]string)
		if !contains(req, path[0]) {
			o.set("required", append(req, path[0]))
		}
	}
	if len(path) == 1 {
		props.set(path[0], leaf)
		return
	}
	child, _ := props.vals[path[0]].(*object)
	if child == nil {
		child = obj("type", "object")
		props.set(path[0], child)
	}
	setPath(child, path[1:], leaf, required)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// response adds the response component of one operation's codes with one
// status.
func (m *merger) response(want, label string, st int, codes []*apierr.Code) (string, error) {
	var ids []string
	retryAfter := st == 429 || st == 503
	for _, c := range codes {
		ids = append(ids, c.ID)
		if c.Example != nil && c.Example.RetryAfter > 0 {
			retryAfter = true
		}
	}
	hs := obj(m.cat.RequestIDHeader(), m.header(m.cat.RequestIDHeader(), "The request's ID; quote it to support.", obj("type", "string")))
	if st == 401 {
		hs.set("WWW-Authenticate", m.header("WWW-Authenticate", "The authentication scheme the API expects, and what was wrong.", obj("type", "string")))
	}
	if retryAfter {
		hs.set("Retry-After", m.header("Retry-After", "Seconds to wait before retrying.", obj("type", "integer", "minimum", 0)))
	}
	if st == 429 {
		hs.set("RateLimit", m.header("RateLimit", "The limit's state: the policy, the requests remaining (r) and the seconds until it resets (t).", obj("type", "string")))
		hs.set("RateLimit-Policy", m.header("RateLimit-Policy", "The limits the client is held to: quota (q) per window (w) seconds.", obj("type", "string")))
	}
	if st == 405 {
		hs.set("Allow", m.header("Allow", "The methods the resource supports.", obj("type", "string")))
	}
	content := obj()
	for _, md := range m.medias {
		base := m.baseSchema(md.schema, map[string]bool{})
		codeAt := codePath(md.f)
		contextAt := contextPath(md.f)
		nullCtx := contextAt != nil && contextNullWhenEmpty(md.f, contextAt)
		var variants []any
		mapping := obj()
		exs := obj()
		for _, c := range codes {
			v := m.variant(c, md, base, codeAt, contextAt, nullCtx)
			variants = append(variants, schemaRef(v))
			mapping.set(c.ID, "#/components/schemas/"+v)
			exs.set(exampleName(c.ID), obj("$ref", "#/components/examples/"+m.add("examples", exampleName(c.ID)+md.suffix, codeExample(m.cat, c, md))))
		}
		s := obj("description", fmt.Sprintf("The errors %s answers with %d: %s.", label, st, strings.Join(ids, ", ")), "oneOf", variants)
		if len(codeAt) == 1 {
			s.set("discriminator", obj("propertyName", codeAt[0], "mapping", mapping))
		}
		name := m.add("schemas", strings.TrimSuffix(want, "Error"+strconv.Itoa(st))+strconv.Itoa(st)+md.schema, s)
		content.set(md.contentType, obj("schema", schemaRef(name), "examples", exs))
	}
	r := obj("description", fmt.Sprintf("%s: %s.", statusText(st), strings.Join(ids, ", ")), "headers", hs, "content", content)
	return m.add("responses", want, r), nil
}

// header adds a header component and returns a reference to it.
func (m *merger) header(name, desc string, schema *object) *object {
	got := m.add("headers", name, obj("description", desc, "schema", schema))
	return obj("$ref", "#/components/headers/"+got)
}

// codePath finds where format f puts the code: the path of the member
// whose value is the code of a rendered error (["error"] for the envelope,
// ["code"] for problem details), or nil when no member carries it as is.
func codePath(f apierr.Format) []string {
	const code = "apierr_probe_code"
	e := &apierr.Error{Code: code, Status: 400, Message: "probe"}
	v, err := decodeOrdered(f.AppendBody(nil, e))
	if err != nil {
		return nil
	}
	var find func(v any, path []string) []string
	find = func(v any, path []string) []string {
		o, ok := v.(*object)
		if !ok {
			return nil
		}
		for _, k := range o.keys {
			if s, ok := o.vals[k].(string); ok && s == code {
				return append(append([]string{}, path...), k)
			}
		}
		for _, k := range o.keys {
			if p := find(o.vals[k], append(path, k)); p != nil {
				return p
			}
		}
		return nil
	}
	return find(v, nil)
}

// rewriteRefs returns v with every $ref value passed through fn.
func rewriteRefs(v any, fn func(string) string) any {
	switch x := v.(type) {
	case *object:
		o := obj()
		for _, k := range x.keys {
			if s, ok := x.vals[k].(string); ok && k == "$ref" {
				o.set(k, fn(s))
				continue
			}
			o.set(k, rewriteRefs(x.vals[k], fn))
		}
		return o
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = rewriteRefs(e, fn)
		}
		return a
	}
	return v
}

// schema30 rewrites a JSON Schema 2020-12 (OpenAPI 3.1) in OpenAPI 3.0's
// dialect: a type list with null becomes nullable, other type lists an
// anyOf, const an enum of one, examples one example.
func schema30(v any) any {
	x, ok := v.(*object)
	if !ok {
		return v
	}
	o := obj()
	for _, k := range x.keys {
		val := x.vals[k]
		switch k {
		case "type":
			var types []string
			switch t := val.(type) {
			case []string:
				types = t
			case []any:
				for _, e := range t {
					if s, ok := e.(string); ok {
						types = append(types, s)
					}
				}
			default:
				o.set(k, val)
				continue
			}
			var rest []string
			for _, t := range types {
				if t == "null" {
					o.set("nullable", true)
				} else {
					rest = append(rest, t)
				}
			}
			switch len(rest) {
			case 0:
			case 1:
				o.set("type", rest[0])
			default:
				var alts []any
				for _, t := range rest {
					alts = append(alts, obj("type", t))
				}
				o.set("anyOf", alts)
			}
		case "const":
			o.set("enum", []any{val})
		case "examples":
			if a, ok := val.([]any); ok && len(a) > 0 {
				o.set("example", a[0])
			}
		case "properties", "patternProperties", "$defs":
			if ps, ok := val.(*object); ok {
				np := obj()
				for _, pk := range ps.keys {
					np.set(pk, schema30(ps.vals[pk]))
				}
				o.set(k, np)
			} else {
				o.set(k, val)
			}
		case "items", "additionalProperties", "not":
			o.set(k, schema30(val))
		case "allOf", "anyOf", "oneOf", "prefixItems":
			if a, ok := val.([]any); ok {
				na := make([]any, len(a))
				for i, e := range a {
					na[i] = schema30(e)
				}
				o.set(k, na)
			} else {
				o.set(k, val)
			}
		default:
			o.set(k, val)
		}
	}
	return o
}

// mapGet returns the value of key in mapping n, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// mapSet sets key in mapping n, appending it when new.
func mapSet(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, strNode(key), v)
	if n.Style == yaml.FlowStyle && len(n.Content) > 2 {
		n.Style = 0
	}
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// resolve follows an alias.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// writeNodeJSON writes a YAML node tree as indented JSON, members in order.
func writeNodeJSON(b *bytes.Buffer, n *yaml.Node, ind string) error {
	n = resolve(n)
	if n == nil {
		b.WriteString("null")
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return writeNodeJSON(b, n.Content[0], ind)
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				return errors.New("a key that is not a scalar cannot be written as JSON")
			}
			b.WriteString(ind + "  ")
			kb, _ := json.Marshal(k.Value)
			b.Write(kb)
			b.WriteString(": ")
			if err := writeNodeJSON(b, n.Content[i+1], ind+"  "); err != nil {
				return err
			}
			if i+2 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(ind + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, e := range n.Content {
			b.WriteString(ind + "  ")
			if err := writeNodeJSON(b, e, ind+"  "); err != nil {
				return err
			}
			if i < len(n.Content)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(ind + "]")
	case yaml.ScalarNode:
		b.Write(scalarJSON(n))
	default:
		return fmt.Errorf("a YAML node of kind %d cannot be written as JSON", n.Kind)
	}
	return nil
}

// scalarJSON writes a YAML scalar as the JSON value it stands for; what
// JSON cannot hold (.inf, a timestamp) is written as a string.
func scalarJSON(n *yaml.Node) []byte {
	str := func() []byte { b, _ := json.Marshal(n.Value); return b }
	switch n.ShortTag() {
	case "!!null":
		return []byte("null")
	case "!!bool":
		var v bool
		if n.Decode(&v) == nil {
			return []byte(strconv.FormatBool(v))
		}
	case "!!int":
		if json.Valid([]byte(n.Value)) && !strings.HasPrefix(n.Value, "+") {
			return []byte(n.Value)
		}
		var v int64
		if n.Decode(&v) == nil {
			return []byte(strconv.FormatInt(v, 10))
		}
	case "!!float":
		if json.Valid([]byte(n.Value)) && !strings.HasPrefix(n.Value, "+") {
			return []byte(n.Value)
		}
		var v float64
		if n.Decode(&v) == nil {
			if b, err := json.Marshal(v); err == nil {
				return b
			}
		}
	}
	return str()
}
