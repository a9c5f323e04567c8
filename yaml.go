package apierr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// This file walks a catalog's YAML node tree into a Spec, remembering
// where each value was so that build can report file:line:col.

// specPositions maps what build checks back to the file.
type specPositions struct {
	catalog map[string]pos // top-level key → position of its value
	codes   []codePositions
	ops     []opPositions
	common  []pos
	parsed  bool // the spec came from a file, whose keys the parser checked
}

type codePositions struct {
	id, status, message, condition, rules pos
	ruleAt, condAt                        []pos
}

type parser struct {
	file string
	errs LoadErrors
}

func (p *parser) errorf(at pos, format string, args ...any) {
	p.errs = append(p.errs, &LoadError{File: p.file, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, args...)})
}

func at(n *yaml.Node) pos { return pos{n.Line, n.Column} }

var (
	catalogKeys = []string{"name", "description", "docs_url", "slug", "format", "formats", "request_id_header", "foreign_resource", "language", "field_messages", "codes", "common_codes", "operations"}
	codeKeys    = []string{"status", "title", "message", "detail", "action", "retryable", "condition", "rules", "docs", "context", "example"}
	docsKeys    = []string{"when", "cause", "next"}
	ctxKeyKeys  = []string{"type", "description", "required", "items"}
	exampleKeys = []string{"message", "detail", "context", "fields", "retry_after", "request_id"}
	fieldKeys   = []string{"field", "rule", "message"}
	opKeys      = []string{"id", "codes"}
)

// mapping walks a mapping node, reporting duplicate and unknown keys.
func (p *parser) mapping(n *yaml.Node, what string, allowed []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(at(n), "%s must be a mapping, not %s", what, kindName(n))
		return
	}
	seen := map[string]pos{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if first, dup := seen[key]; dup {
			p.errorf(at(k), "duplicate key %q in %s (first at %d:%d)", key, what, first.line, first.col)
			continue
		}
		seen[key] = at(k)
		if allowed != nil && !contains(allowed, key) {
			if s := suggest(key, allowed); s != "" {
				p.errorf(at(k), "unknown key %q in %s (did you mean %q?)", key, what, s)
			} else {
				p.errorf(at(k), "unknown key %q in %s (known keys: %s)", key, what, strings.Join(allowed, ", "))
			}
			continue
		}
		fn(key, k, v)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("the scalar %q", truncate(n.Value, 40))
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(at(n), "%s must be a string, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

func (p *parser) spec(root *yaml.Node) (Spec, specPositions) {
	var s Spec
	ps := specPositions{catalog: map[string]pos{}, parsed: true}
	if root.Kind == 0 || len(root.Content) == 0 {
		p.errorf(pos{}, "catalog is empty")
		return s, ps
	}
	doc := root.Content[0]
	p.mapping(doc, "catalog", catalogKeys, func(key string, k, v *yaml.Node) {
		ps.catalog[key] = at(v)
		switch key {
		case "name":
			s.Name = p.str(v, "name")
		case "description":
			s.Description = p.str(v, "description")
		case "docs_url":
			s.DocsURL = p.str(v, "docs_url")
		case "slug":
			s.Slug = SlugRule(p.str(v, "slug"))
		case "format":
			s.Format = p.str(v, "format")
		case "formats":
			s.Formats = p.strings(v, "formats")
			if s.Formats == nil {
				s.Formats = []string{}
			}
		case "request_id_header":
			s.RequestIDHeader = p.str(v, "request_id_header")
		case "foreign_resource":
			s.ForeignResource = Condition(p.str(v, "foreign_resource"))
		case "language":
			s.Language = p.str(v, "language")
		case "field_messages":
			s.FieldMessages = p.fieldMessages(v, nil)
		case "codes":
			p.mapping(v, "codes", nil, func(id string, k, v *yaml.Node) {
				code, cp := p.code(id, k, v)
				s.Codes = append(s.Codes, code)
				ps.codes = append(ps.codes, cp)
			})
		case "common_codes":
			s.CommonCodes = p.strings(v, "common_codes")
			if v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					ps.common = append(ps.common, at(e))
				}
			}
		case "operations":
			p.mapping(v, "operations", nil, func(key string, k, v *yaml.Node) {
				if o, op, ok := p.operation(key, k, v); ok {
					s.Operations = append(s.Operations, o)
					ps.ops = append(ps.ops, op)
				}
			})
		}
	})
	if _, ok := ps.catalog["codes"]; !ok && doc.Kind == yaml.MappingNode {
		p.errorf(at(doc), "catalog has no codes: key")
	}
	return s, ps
}

func (p *parser) strings(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		p.errorf(at(n), "%s must be a list of strings, not %s", what, kindName(n))
		return nil
	}
	var out []string
	for _, e := range n.Content {
		out = append(out, p.str(e, what+" item"))
	}
	return out
}

func (p *parser) code(id string, k, v *yaml.Node) (Code, codePositions) {
	c := Code{ID: id}
	cp := codePositions{id: at(k), status: at(k), message: at(k), condition: at(k), rules: at(k)}
	what := fmt.Sprintf("code %q", id)
	if k.Kind != yaml.ScalarNode {
		p.errorf(at(k), "code ids must be strings")
		return c, cp
	}
	p.mapping(v, what, codeKeys, func(key string, kk, vv *yaml.Node) {
		switch key {
		case "status":
			cp.status = at(vv)
			c.Status = p.status(vv, what)
		case "title":
			c.Title = p.str(vv, what+": title")
		case "message":
			cp.message = at(vv)
			c.Message = p.str(vv, what+": message")
		case "detail":
			c.Detail = p.str(vv, what+": detail")
		case "action":
			c.Action = p.str(vv, what+": action")
		case "retryable":
			c.Retryable = p.bool(vv, what+": retryable")
		case "condition":
			cp.condition = at(vv)
			p.conditions(vv, what, &c, &cp)
		case "rules":
			cp.rules = at(vv)
			c.Rules = p.strings(vv, what+": rules")
			if vv.Kind == yaml.SequenceNode {
				for _, e := range vv.Content {
					cp.ruleAt = append(cp.ruleAt, at(e))
				}
			}
		case "docs":
			c.Docs = p.docs(vv, what)
		case "context":
			p.mapping(vv, what+": context", nil, func(name string, _, cv *yaml.Node) {
				c.ContextKeys = append(c.ContextKeys, p.contextKey(name, cv, what))
			})
		case "example":
			c.Example = p.example(vv, what)
		}
	})
	if _, ok := findKey(v, "status"); !ok && v.Kind == yaml.MappingNode {
		p.errorf(at(k), "%s has no status", what)
		c.Status = -1
	}
	return c, cp
}

// operation reads one entry of `operations:`: a key "METHOD /path" or an
// operationId, and either a list of codes or a mapping of id and codes.
func (p *parser) operation(key string, k, v *yaml.Node) (Operation, opPositions, bool) {
	op := opPositions{key: at(k), id: at(k)}
	if k.Kind != yaml.ScalarNode {
		p.errorf(at(k), "operation keys must be strings (METHOD /path or an operationId)")
		return Operation{}, op, false
	}
	method, path, id, problems := parseOperationKey(key)
	for _, msg := range problems {
		p.errorf(at(k), "%s", msg)
	}
	o := Operation{Method: method, Path: path, ID: id}
	what := fmt.Sprintf("operation %q", key)
	codes := func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return // no codes of its own: the common ones only
		}
		o.Codes = p.strings(n, what+": codes")
		if n.Kind == yaml.SequenceNode {
			for _, e := range n.Content {
				op.codes = append(op.codes, at(e))
			}
		}
	}
	if v.Kind == yaml.MappingNode {
		p.mapping(v, what, opKeys, func(name string, kk, vv *yaml.Node) {
			switch name {
			case "id":
				op.id = at(vv)
				if id != "" {
					p.errorf(at(kk), "%s is keyed by its operationId already: id: is for METHOD /path keys", what)
					return
				}
				o.ID = p.str(vv, what+": id")
				if msg := checkOperationID(o.ID); msg != "" && o.ID != "" {
					p.errorf(at(vv), "%s: %s", what, msg)
				}
			case "codes":
				codes(vv)
			}
		})
	} else if v.Kind == yaml.SequenceNode || v.Tag == "!!null" {
		codes(v)
	} else {
		p.errorf(at(v), "%s must be a list of codes or a mapping of id and codes, not %s", what, kindName(v))
	}
	return o, op, len(problems) == 0
}

// status reads a status; -1 marks one that is not an integer (already
// reported), so build does not report it again.
func (p *parser) status(n *yaml.Node, what string) int {
	s, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(at(n), "%s: status must be an integer, not %s", what, kindName(n))
		return -1
	}
	return s
}

// bool reads true or false.
func (p *parser) bool(n *yaml.Node, what string) bool {
	switch n.Value {
	case "true":
		return true
	case "false":
	default:
		p.errorf(at(n), "%s must be true or false, not %s", what, kindName(n))
	}
	return false
}

// conditions reads `condition:`, one name or a list whose first item is
// the code's Condition and the rest its Also.
func (p *parser) conditions(n *yaml.Node, what string, c *Code, cp *codePositions) {
	if n.Kind != yaml.SequenceNode {
		c.Condition = Condition(p.str(n, what+": condition"))
		return
	}
	for i, name := range p.strings(n, what+": condition") {
		if i == 0 {
			c.Condition = Condition(name)
		} else {
			c.Also = append(c.Also, Condition(name))
		}
		cp.condAt = append(cp.condAt, at(n.Content[i]))
	}
}

func (p *parser) docs(n *yaml.Node, what string) Docs {
	var d Docs
	p.mapping(n, what+": docs", docsKeys, func(key string, _, dv *yaml.Node) {
		s := p.str(dv, what+": docs."+key)
		switch key {
		case "when":
			d.When = s
		case "cause":
			d.Cause = s
		case "next":
			d.Next = s
		}
	})
	return d
}

// contextKey reads one documented context member: a description alone, or
// a mapping of type, items, required and description.
func (p *parser) contextKey(name string, n *yaml.Node, what string) ContextKey {
	ck := ContextKey{Name: name}
	if n.Kind == yaml.ScalarNode {
		ck.Description = n.Value
		return ck
	}
	p.mapping(n, what+": context."+name, ctxKeyKeys, func(key string, _, x *yaml.Node) {
		if key == "required" {
			ck.Required = p.bool(x, what+": context."+name+".required")
			return
		}
		s := p.str(x, what+": context."+name+"."+key)
		switch key {
		case "type", "items":
			if !contains(jsonTypes, s) {
				p.errorf(at(x), "%s: context.%s.%s %q is not a JSON type (%s)", what, name, key, s, strings.Join(jsonTypes, ", "))
			}
			if key == "type" {
				ck.Type = s
			} else {
				ck.Items = s
			}
		default:
			ck.Description = s
		}
	})
	if ck.Items != "" && ck.Type != "array" {
		p.errorf(at(n), "%s: context.%s has items but its type is %q, not array", what, name, ck.Type)
	}
	return ck
}

var jsonTypes = []string{"string", "integer", "number", "boolean", "object", "array"}

func findKey(n *yaml.Node, key string) (*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1], true
		}
	}
	return nil, false
}

func (p *parser) example(n *yaml.Node, what string) *Example {
	x := &Example{}
	what += ": example"
	p.mapping(n, what, exampleKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "message":
			x.Message = p.str(v, what+".message")
		case "detail":
			x.Detail = p.str(v, what+".detail")
		case "request_id":
			x.RequestID = p.str(v, what+".request_id")
		case "retry_after":
			s := p.str(v, what+".retry_after")
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				x.RetryAfter = time.Duration(n) * time.Second
			} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
				x.RetryAfter = d
			} else if s != "" {
				p.errorf(at(v), "%s.retry_after must be seconds or a duration like 45s, not %q", what, s)
			}
		case "context":
			var m map[string]any
			if v.Kind != yaml.MappingNode {
				p.errorf(at(v), "%s.context must be a mapping, not %s", what, kindName(v))
				return
			}
			if err := v.Decode(&m); err != nil {
				p.errorf(at(v), "%s.context: %v", what, err)
				return
			}
			x.Context = normalizeYAML(m).(map[string]any)
		case "fields":
			x.Fields = p.fields(v, what+".fields")
		}
	})
	return x
}

// fields reads field errors either as {field: [messages]} or as a list of
// {field, rule, message}.
func (p *parser) fields(n *yaml.Node, what string) []FieldError {
	var out []FieldError
	switch n.Kind {
	case yaml.MappingNode:
		p.mapping(n, what, nil, func(field string, _, v *yaml.Node) {
			if v.Kind == yaml.ScalarNode {
				out = append(out, FieldError{Field: field, Message: v.Value})
				return
			}
			for _, m := range p.strings(v, what+"."+field) {
				out = append(out, FieldError{Field: field, Message: m})
			}
		})
	case yaml.SequenceNode:
		for _, e := range n.Content {
			var fe FieldError
			p.mapping(e, what+" item", fieldKeys, func(key string, _, v *yaml.Node) {
				s := p.str(v, what+"."+key)
				switch key {
				case "field":
					fe.Field = s
				case "rule":
					fe.Rule = s
				case "message":
					fe.Message = s
				}
			})
			out = append(out, fe)
		}
	default:
		p.errorf(at(n), "%s must be a mapping of field to messages or a list, not %s", what, kindName(n))
	}
	return out
}

// normalizeYAML turns YAML-decoded values into JSON-shaped ones.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	}
	return v
}

// yamlZeroBased reports whether the YAML library numbered this error's
// line from zero: its parser errors ("did not find expected …", naming the
// line where the unclosed construct began) and its tab-indentation error
// come out one line early, its other scanner errors do not.
func yamlZeroBased(msg string) bool {
	return strings.Contains(msg, "did not find expected") || strings.Contains(msg, "found a tab character")
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

func yamlError(file string, err error) *LoadError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &LoadError{File: file, Msg: "invalid YAML: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		if yamlZeroBased(msg) {
			e.Line++
		}
		e.Column = 1
		if m[2] != "" {
			e.Column, _ = strconv.Atoi(m[2])
		}
		e.Msg = "invalid YAML: " + strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
		e.Msg = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(e.Msg, "invalid YAML: :")), ":")
		if !strings.HasPrefix(e.Msg, "invalid YAML") {
			e.Msg = "invalid YAML: " + e.Msg
		}
	}
	return e
}
