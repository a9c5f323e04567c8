package docgen

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apierr/apierr"
)

// members describes the body of the catalog's default format: as the
// format describes itself (apierr.Describer), else derived from the
// rendered examples.
func members(cat *apierr.Catalog) []member {
	f := cat.Formats()[0]
	if d, ok := f.(apierr.Describer); ok {
		var out []member
		for _, m := range d.Members(cat) {
			out = append(out, member{Name: m.Name, Type: m.Type, Description: m.Description})
		}
		return out
	}
	return derivedMembers(cat, f)
}

// derivedMembers walks the example body of every code and reports each
// member with its JSON types, how often it appears, and what it carries when
// its value is always one of the error's own attributes (the code, the
// message, the status …).
func derivedMembers(cat *apierr.Catalog, f apierr.Format) []member {
	ms := memberStats{}
	for _, c := range cat.Codes() {
		var res apierr.Error
		ex := c.ExampleError()
		cat.Resolve(&res, ex)
		v, err := decodeOrdered(cat.Render(f, ex))
		if err != nil {
			continue
		}
		ms.total++
		ms.addExample(v, meaningsOf(&res))
	}
	// Members no example shows (a detail, a request ID, field errors …)
	// come from a probe: an error with every optional attribute set.
	if probe, known := probeBody(cat, f); probe != nil {
		ms.addProbe(probe, known)
	}
	var out []member
	for _, p := range ms.paths() {
		out = append(out, ms.describe(p))
	}
	return out
}

// memberStat is what the examples and the probe show of one member.
type memberStat struct {
	types        map[string]bool
	count        int
	meanings     map[string]int
	values       map[string]bool // scalar values seen, to spot constants
	order        int
	probeOnly    bool   // seen only in the probe, in no example
	probeMeaning string // what the probe's value means, for a member the examples show
}

// memberStats are the members seen, by path, across total examples.
type memberStats struct {
	byPath map[string]*memberStat
	total  int
}

func (ms *memberStats) stat(p string, probeOnly bool) *memberStat {
	if ms.byPath == nil {
		ms.byPath = map[string]*memberStat{}
	}
	s := ms.byPath[p]
	if s == nil {
		s = &memberStat{types: map[string]bool{}, meanings: map[string]int{}, values: map[string]bool{},
			order: len(ms.byPath), probeOnly: probeOnly}
		ms.byPath[p] = s
	}
	return s
}

func (ms *memberStats) addExample(v any, known map[string]string) {
	walk("", v, func(p string, v any) {
		s := ms.stat(p, false)
		s.count++
		s.types[jsonType(v)] = true
		if isContainer(v) {
			return
		}
		if m := known[scalarString(v)]; m != "" {
			s.meanings[m]++
		}
		s.values[literal(v)] = true
	})
}

func (ms *memberStats) addProbe(v any, known map[string]string) {
	walk("", v, func(p string, v any) {
		s := ms.stat(p, true)
		s.types[jsonType(v)] = true
		if isContainer(v) {
			return
		}
		m := known[scalarString(v)]
		if !s.probeOnly {
			// A member the examples show: the probe only widens its
			// types and may say what it carries.
			s.values[literal(v)] = true
			if m != "" {
				s.probeMeaning = m
			}
			return
		}
		if m != "" {
			s.meanings[m]++
			s.count = max(s.count, s.meanings[m])
		}
	})
}

// paths lists the members, children after their parent, each level in the
// order first seen.
func (ms *memberStats) paths() []string {
	children := map[string][]string{}
	for p := range ms.byPath {
		children[parentPath(p)] = append(children[parentPath(p)], p)
	}
	var paths []string
	var visit func(string)
	visit = func(parent string) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool { return ms.byPath[kids[i]].order < ms.byPath[kids[j]].order })
		for _, k := range kids {
			paths = append(paths, k)
			visit(k)
		}
	}
	visit("")
	return paths
}

// describe writes what is known of the member at p.
func (ms *memberStats) describe(p string) member {
	s := ms.byPath[p]
	var types []string
	for t := range s.types {
		types = append(types, t)
	}
	sort.Strings(types)
	desc := ""
	for m, n := range s.meanings {
		if n == s.count && (desc == "" || m < desc) {
			desc = m
		}
	}
	if desc == "" {
		desc = s.probeMeaning
	}
	meaning := desc
	if s.probeOnly {
		return member{Name: p, Type: strings.Join(types, " | "),
			Description: strings.TrimSpace(desc + " Present when the error carries it."), Meaning: meaning}
	}
	if desc == "" && len(s.values) == 1 && len(s.types) == 1 && s.count > 1 {
		for v := range s.values {
			desc = "Always " + v + "."
		}
	}
	switch {
	case s.count == ms.total && strings.HasPrefix(desc, "Always "):
	case s.count == ms.total:
		desc = strings.TrimSpace(desc + " Always present.")
	default:
		desc = strings.TrimSpace(desc + fmt.Sprintf(" Present in %d of %d codes' examples.", s.count, ms.total))
	}
	return member{Name: p, Type: strings.Join(types, " | "), Description: desc, Meaning: meaning}
}

// meaningsOf maps the values of a resolved error to what they mean.
func meaningsOf(e *apierr.Error) map[string]string {
	m := map[string]string{}
	add := func(v, meaning string) {
		if v != "" && m[v] == "" {
			m[v] = meaning
		}
	}
	add(e.Code, "The error code: stable and machine-readable, one of the codes below.")
	add(e.Message, "A human-readable message.")
	add(e.Detail, "Explanation of this occurrence.")
	add(e.Title, "A short summary of the code.")
	add(e.Action, "The programmatic next step.")
	add(e.Docs, "The permalink to the code's entry in this reference.")
	add(e.RequestID, "The request's ID.")
	add(strconv.Itoa(e.Status), "The HTTP status code.")
	if s := e.RetryAfterSeconds(); s > 0 {
		add(strconv.FormatInt(s, 10), "Seconds to wait before retrying.")
	}
	return m
}

// walk calls fn for every member of v, depth first, with paths like
// "error.code" and "errors[].field".
func walk(prefix string, v any, fn func(path string, v any)) {
	switch x := v.(type) {
	case *object:
		for _, k := range x.keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			fn(p, x.vals[k])
			walk(p, x.vals[k], fn)
		}
	case []any:
		for _, e := range x {
			if isContainer(e) {
				walk(prefix+"[]", e, fn)
			}
		}
	}
}

func isContainer(v any) bool {
	switch v.(type) {
	case *object, []any:
		return true
	}
	return false
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *object:
		return "object"
	}
	return "string"
}

// parentPath returns the path of the member that holds p.
func parentPath(p string) string {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(p[:i], "[]")
}

// literal writes a scalar as JSON.
func literal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// probeBody renders, in format f, an error of the catalog's first code with
// every optional attribute set, and returns the decoded body and what its
// values mean.
func probeBody(cat *apierr.Catalog, f apierr.Format) (any, map[string]string) {
	codes := cat.Codes()
	if len(codes) == 0 {
		return nil, nil
	}
	var e apierr.Error
	cat.Resolve(&e, codes[0].Error())
	const (
		detail  = "probe: occurrence detail"
		title   = "probe: title"
		field   = "probe.field.path"
		message = "probe: field message"
		reqID   = "probe-request-id"
		inst    = "/probe/instance"
	)
	e.Detail = detail
	if e.Title == "" {
		e.Title = title
	}
	e.Fields = []apierr.FieldError{{Field: field, Rule: "required", Message: message}}
	e.RetryAfter = 37 * time.Second
	e.RequestID = reqID
	e.Instance = inst
	v, err := decodeOrdered(f.AppendBody(nil, &e))
	if err != nil {
		return nil, nil
	}
	known := meaningsOf(&e)
	known[field] = "The path of the invalid field (validation errors)."
	known[message] = "What is wrong with the field (validation errors)."
	known["required"] = "The validation rule that failed."
	known[inst] = "The request path of this occurrence."
	return v, known
}
