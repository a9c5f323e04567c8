package apierr

import (
	"fmt"
	"sort"
	"strings"
)

// Severity ranks a lint finding.
type Severity string

// Severities.
const (
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Finding is one lint result.
type Finding struct {
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Code     string   `json:"code,omitempty"` // the catalog code concerned, if any
	Rule     string   `json:"rule"`           // the lint rule, e.g. "retryable-4xx"
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	loc := f.File
	if loc == "" {
		loc = "catalog"
	}
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", loc, f.Line, f.Column)
	}
	return fmt.Sprintf("%s: %s: %s [%s]", loc, f.Severity, f.Message, f.Rule)
}

// retryable4xx are the 4xx statuses a client may retry unchanged.
var retryable4xx = map[int]bool{408: true, 409: true, 425: true, 429: true}

// Lint reports what loads but will hurt clients or docs: retryable on a 4xx
// other than 408/409/425/429, a 5xx or 429 that is not retryable, a missing
// action, title or docs section, no docs URL, a docs URL without a
// placeholder that is not an anchor page, context keys used in an example but
// not documented, and statuses whose codes do not share a condition-less
// meaning. Findings are ordered by position.
func (c *Catalog) Lint() []Finding {
	var out []Finding
	add := func(code *Code, rule string, sev Severity, format string, args ...any) {
		f := Finding{File: c.file, Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...)}
		if code != nil {
			f.Code = code.ID
			f.Line, f.Column = code.pos.line, code.pos.col
		}
		out = append(out, f)
	}
	if c.name == "" {
		add(nil, "no-name", SeverityWarning, "the catalog has no name")
	}
	if c.docsURL == "" {
		add(nil, "no-docs-url", SeverityWarning, "no docs_url: errors will carry no docs permalink")
	}
	for _, code := range c.codes {
		if code.Fallback {
			continue
		}
		if code.Retryable && code.Status < 500 && !retryable4xx[code.Status] {
			add(code, "retryable-4xx", SeverityWarning, "code %q is retryable but status %d tells clients not to retry the same request", code.ID, code.Status)
		}
		if !code.Retryable && (code.Status == 429 || code.Status == 503) {
			add(code, "not-retryable", SeverityWarning, "code %q has status %d, which clients retry, but is not marked retryable", code.ID, code.Status)
		}
		if code.Action == "" {
			add(code, "no-action", SeverityWarning, "code %q has no action", code.ID)
		}
		if code.Title == "" {
			add(code, "no-title", SeverityInfo, "code %q has no title; docs will use its id", code.ID)
		}
		var missing []string
		if code.Docs.When == "" {
			missing = append(missing, "when")
		}
		if code.Docs.Cause == "" {
			missing = append(missing, "cause")
		}
		if code.Docs.Next == "" {
			missing = append(missing, "next")
		}
		if len(missing) > 0 {
			add(code, "docs-incomplete", SeverityInfo, "code %q has no docs %s", code.ID, strings.Join(missing, ", "))
		}
		if x := code.Example; x != nil {
			documented := map[string]bool{}
			for _, k := range code.ContextKeys {
				documented[k.Name] = true
			}
			var undocumented []string
			for k := range x.Context {
				if !documented[k] {
					undocumented = append(undocumented, k)
				}
			}
			sort.Strings(undocumented)
			for _, k := range undocumented {
				add(code, "undocumented-context", SeverityInfo, "code %q: example context key %q is not documented under context", code.ID, k)
			}
		}
		if code.Status == 429 && code.Condition == "" {
			add(code, "unbound-429", SeverityInfo, "code %q has status 429 but no condition; the rate limiter will not use it", code.ID)
		}
	}
	out = append(out, c.lintOperations(c.ops, c.opPos)...)
	c.lintTranslations(func(f Finding) { out = append(out, f) })
	sort.SliceStable(out, func(i, j int) bool {
		if fi, fj := out[i].File, out[j].File; fi != fj {
			// The catalog's own findings first, then each translation's.
			return fi == c.file || (fj != c.file && fi < fj)
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	return out
}

// LintOperations reports what is wrong with a set of operations against
// the catalog, e.g. those a program collected with Routes: an operation
// that names a code the catalog lacks (unknown-code), one declared twice
// (duplicate-operation), and the catalog's own codes that no operation
// returns (unreturned-code; codes bound to endpoint_not_found or
// method_not_allowed are exempt: they answer requests that match no
// operation). Lint applies it to the catalog's declared operations, when
// it declares any; there a code bound to a condition that no operation
// lists is only an info finding, since middleware may raise it.
func (c *Catalog) LintOperations(ops []Operation) []Finding {
	return c.lintOperations(ops, nil)
}

func (c *Catalog) lintOperations(ops []Operation, at []pos) []Finding {
	if len(ops) == 0 {
		return nil
	}
	var out []Finding
	add := func(i int, code, rule string, format string, args ...any) {
		f := Finding{File: c.file, Code: code, Rule: rule, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)}
		if i >= 0 && i < len(at) {
			f.Line, f.Column = at[i].line, at[i].col
		} else if k := c.byID[code]; code != "" && k != nil && i < 0 {
			f.Line, f.Column = k.pos.line, k.pos.col
		}
		out = append(out, f)
	}
	returned := map[string]bool{}
	seen := map[string]int{}
	for i, o := range ops {
		key := o.Method + " " + pathShape(o.Path)
		if o.Method == "" {
			key = "id " + o.ID
		}
		if first, dup := seen[key]; dup {
			add(i, "", "duplicate-operation", "operation %s is declared twice (first as %s)", o, ops[first])
		} else {
			seen[key] = i
		}
		for _, id := range o.Codes {
			returned[id] = true
			if c.byID[id] == nil {
				add(i, id, "unknown-code", "operation %s returns %q, which is not in the catalog", o, id)
			}
		}
	}
	for _, code := range c.codes {
		if code.Fallback || returned[code.ID] {
			continue
		}
		if code.Condition == CondEndpointNotFound || code.Condition == CondMethodNotAllowed {
			continue
		}
		if code.Condition != "" && at != nil {
			// A file cannot see the middleware that raise it; apierr.Routes can.
			f := Finding{File: c.file, Code: code.ID, Rule: "unreturned-code", Severity: SeverityInfo, Line: code.pos.line, Column: code.pos.col,
				Message: fmt.Sprintf("code %q (condition %s) is returned by no declared operation: middleware may raise it (apierr.Routes adds what they raise), or list it under operations or common_codes", code.ID, code.Condition)}
			out = append(out, f)
			continue
		}
		add(-1, code.ID, "unreturned-code", "code %q is returned by no operation: list it under the operations that return it, or in common_codes", code.ID)
	}
	return out
}
