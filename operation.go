package apierr

import (
	"fmt"
	"slices"
	"strings"
)

// Operation is one API operation and the error codes it can return.
//
// A catalog declares its operations (`operations:` in YAML, keyed by
// "METHOD /path" or by an operationId, and `common_codes:` for the codes
// every operation can return); a program can also collect them from the
// routes it registers (Routes), which adds the codes of the conditions its
// middleware raise. The OpenAPI merge, the reference page's per-endpoint
// sections and apierrtest read them.
type Operation struct {
	Method string   // upper case, e.g. "POST"; "" for an operation known only by ID
	Path   string   // OpenAPI path template, e.g. "/fax/{id}"
	ID     string   // operationId, optional
	Codes  []string // every code the operation can return, resolved (common codes included), sorted, no duplicates
}

// String names the operation as a catalog key does: "POST /fax", or its ID
// when it has no method.
func (o Operation) String() string {
	if o.Method == "" {
		return o.ID
	}
	return o.Method + " " + o.Path
}

// Returns reports whether code is one the operation declares.
func (o Operation) Returns(code string) bool {
	_, ok := slices.BinarySearch(o.Codes, code)
	return ok
}

// httpMethods are the methods an OpenAPI path item can hold.
var httpMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

// Operations returns the catalog's operations in declaration order, each
// with its codes resolved: its own and the common ones, sorted, without
// duplicates. The slice and its operations are copies.
func (c *Catalog) Operations() []Operation {
	out := make([]Operation, len(c.ops))
	for i, o := range c.ops {
		o.Codes = slices.Clone(o.Codes)
		out[i] = o
	}
	return out
}

// CommonCodes returns the codes the catalog says every operation can
// return (`common_codes:`), in declaration order; a copy.
func (c *Catalog) CommonCodes() []string { return slices.Clone(c.common) }

// Operation returns the operation declared for method and path (a path
// template; parameter names are not compared, so /fax/{fax_id} finds
// /fax/{id}). With method "", path is an operationId. The method is
// compared case-insensitively.
func (c *Catalog) Operation(method, path string) (Operation, bool) {
	i := findOperation(c.ops, method, path)
	if i < 0 {
		return Operation{}, false
	}
	o := c.ops[i]
	o.Codes = slices.Clone(o.Codes)
	return o, true
}

// findOperation returns the index in ops of the operation method and path
// (or ID when method is "") name, or -1.
func findOperation(ops []Operation, method, path string) int {
	if method == "" {
		for i, o := range ops {
			if o.ID != "" && o.ID == path {
				return i
			}
		}
		return -1
	}
	method = strings.ToUpper(method)
	for i, o := range ops {
		if o.Method == method && o.Path == path {
			return i
		}
	}
	shape := pathShape(path)
	for i, o := range ops {
		if o.Method == method && pathShape(o.Path) == shape {
			return i
		}
	}
	return -1
}

// pathShape is a path template with its parameter names erased: two
// templates of one shape name the same route (OpenAPI forbids both).
func pathShape(p string) string {
	if !strings.Contains(p, "{") {
		return p
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(p, '{')
		if open < 0 {
			b.WriteString(p)
			return b.String()
		}
		end := strings.IndexByte(p[open:], '}')
		if end < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:open])
		b.WriteString("{}")
		p = p[open+end+1:]
	}
}

// parseOperationKey splits a catalog key into method and path ("POST /fax")
// or an operationId ("sendFax"), returning what is wrong with it if
// anything.
func parseOperationKey(key string) (method, path, id string, problems []string) {
	if key == "" {
		return "", "", "", []string{"an operation key is empty: write METHOD /path or an operationId"}
	}
	m, p, spaced := strings.Cut(key, " ")
	if !spaced {
		if strings.HasPrefix(key, "/") {
			return "", "", "", []string{fmt.Sprintf("operation %q has no method: write it as \"GET %s\" (or POST, PUT …)", key, key)}
		}
		if msg := checkOperationID(key); msg != "" {
			return "", "", "", []string{msg}
		}
		return "", "", key, nil
	}
	p = strings.TrimLeft(p, " ")
	if msg := checkMethod(m); msg != "" {
		problems = append(problems, fmt.Sprintf("operation %q: %s", key, msg))
	}
	if msg := checkPathTemplate(p); msg != "" {
		problems = append(problems, fmt.Sprintf("operation %q: %s", key, msg))
	}
	return m, p, "", problems
}

// checkMethod returns what is wrong with an operation's method, or "".
func checkMethod(m string) string {
	if slices.Contains(httpMethods, m) {
		return ""
	}
	if up := strings.ToUpper(m); slices.Contains(httpMethods, up) {
		return fmt.Sprintf("method %q must be upper case: %s", m, up)
	}
	for _, k := range httpMethods {
		if m != "" && editDistance(strings.ToUpper(m), k) <= 1 {
			return fmt.Sprintf("unknown method %q (did you mean %s?)", m, k)
		}
	}
	return fmt.Sprintf("unknown method %q (known: %s)", m, strings.Join(httpMethods, ", "))
}

// checkOperationID returns what is wrong with an operationId, or "".
func checkOperationID(id string) string {
	if id == "" {
		return "an operation's id is empty"
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '{' || r == '}' || r == '/' {
			return fmt.Sprintf("operationId %q may not contain %q: use letters, digits, _ - or .", id, r)
		}
	}
	return ""
}

// checkPathTemplate returns what is wrong with an OpenAPI path template,
// or "".
func checkPathTemplate(p string) string {
	if p == "" {
		return "the path is empty: write it after the method, starting with /"
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Sprintf("path %q must start with /", p)
	}
	names := map[string]bool{}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c <= ' ' || c == 0x7f:
			return fmt.Sprintf("path %q contains whitespace or a control character", p)
		case c == '?' || c == '#':
			return fmt.Sprintf("path %q has a query or fragment: write the path alone", p)
		case c == '}':
			return fmt.Sprintf("path %q has a } without its {", p)
		case c == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return fmt.Sprintf("path %q has a { without its }", p)
			}
			name := p[i+1 : i+end]
			switch {
			case name == "$":
				return fmt.Sprintf("path %q: {$} is ServeMux syntax; OpenAPI paths end where they end", p)
			case strings.HasSuffix(name, "..."):
				return fmt.Sprintf("path %q: {%s} is ServeMux syntax; write {%s}", p, name, strings.TrimSuffix(name, "..."))
			case name == "":
				return fmt.Sprintf("path %q has an unnamed parameter {}", p)
			case strings.ContainsAny(name, "{/"):
				return fmt.Sprintf("path %q has a { without its }", p)
			case names[name]:
				return fmt.Sprintf("path %q names parameter {%s} twice", p, name)
			}
			names[name] = true
			i += end
		}
	}
	return ""
}

// resolveOperations checks the declared operations against the catalog
// (which must be indexed: fallback codes may be named) and returns them
// resolved. ps gives positions for errors.
func (ck *checker) operations(c *Catalog, s Spec) []Operation {
	known := func(id string, at pos, what string) bool {
		if c.byID[id] != nil {
			return true
		}
		if near := c.Suggest(id); near != "" {
			ck.errorf(at, "%s: unknown code %q (did you mean %q?)", what, id, near)
		} else {
			ck.errorf(at, "%s: unknown code %q", what, id)
		}
		return false
	}
	common := make([]string, 0, len(s.CommonCodes))
	seenCommon := map[string]bool{}
	for i, id := range s.CommonCodes {
		at := ck.ps.commonAt(i)
		if seenCommon[id] {
			ck.errorf(at, "common_codes lists %q twice", id)
			continue
		}
		seenCommon[id] = true
		if known(id, at, "common_codes") {
			common = append(common, id)
		}
	}
	c.common = common
	type firstOp struct {
		name string
		at   pos
	}
	byShape := map[string]firstOp{}
	byID := map[string]firstOp{}
	out := make([]Operation, 0, len(s.Operations))
	for i, o := range s.Operations {
		op := ck.ps.op(i)
		name := o.String()
		switch {
		case o.Method == "" && o.Path == "" && o.ID == "":
			ck.errorf(op.key, "an operation has neither METHOD /path nor an id")
			continue
		case o.Method == "" && o.Path != "":
			ck.errorf(op.key, "operation %q has a path but no method", o.Path)
			continue
		case o.Method != "":
			if !ck.ps.parsed {
				// A key from YAML was checked when it was parsed.
				if msg := checkMethod(o.Method); msg != "" {
					ck.errorf(op.key, "operation %q: %s", name, msg)
				}
				if msg := checkPathTemplate(o.Path); msg != "" {
					ck.errorf(op.key, "operation %q: %s", name, msg)
				}
			}
			shape := o.Method + " " + pathShape(o.Path)
			if f, dup := byShape[shape]; dup {
				if f.name == name {
					ck.errorf(op.key, "operation %q is declared twice (first at %d:%d)", name, f.at.line, f.at.col)
				} else {
					ck.errorf(op.key, "operation %q is the same route as %q (at %d:%d): only parameter names differ", name, f.name, f.at.line, f.at.col)
				}
			} else {
				byShape[shape] = firstOp{name, op.key}
			}
		}
		if o.ID != "" {
			if msg := checkOperationID(o.ID); msg != "" && !ck.ps.parsed {
				ck.errorf(op.id, "%s", msg)
			}
			if f, dup := byID[o.ID]; dup {
				ck.errorf(op.id, "operationId %q is used twice (first by %q at %d:%d)", o.ID, f.name, f.at.line, f.at.col)
			} else {
				byID[o.ID] = firstOp{name, op.id}
			}
		}
		codes := append([]string(nil), common...)
		seen := map[string]bool{}
		for j, id := range o.Codes {
			at := op.codeAt(j)
			if seen[id] {
				ck.errorf(at, "operation %q lists code %q twice", name, id)
				continue
			}
			seen[id] = true
			if known(id, at, fmt.Sprintf("operation %q", name)) {
				codes = append(codes, id)
			}
		}
		slices.Sort(codes)
		o.Codes = slices.Compact(codes)
		out = append(out, o)
	}
	return out
}

// opPositions are where one operation of a catalog file was declared.
type opPositions struct {
	key, id pos
	codes   []pos
}

func (op opPositions) codeAt(j int) pos {
	if j < len(op.codes) {
		return op.codes[j]
	}
	return op.key
}

func (ps specPositions) op(i int) opPositions {
	if i < len(ps.ops) {
		return ps.ops[i]
	}
	return opPositions{}
}

func (ps specPositions) commonAt(i int) pos {
	if i < len(ps.common) {
		return ps.common[i]
	}
	return ps.catalog["common_codes"]
}
