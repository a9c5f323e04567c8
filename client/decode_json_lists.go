package client

import (
	"slices"

	"github.com/apierr/apierr"
)

// list reads a list of error items: JSON:API errors, GitHub's errors,
// FastAPI's detail, Google's typed details, Microsoft's details, RFC 9457
// extension lists, or plain strings.
func (j *jsonWalk) list(l []any) {
	for i, it := range l {
		if i >= 100 {
			return
		}
		switch v := it.(type) {
		case string:
			if j.itemMessage == "" {
				j.itemMessage = sanitize(v, maxMessage)
			}
		case map[string]any:
			if t, ok := v["@type"].(string); ok {
				j.googleDetail(t, v)
				continue
			}
			j.item(v)
		}
	}
}

// item reads one error object of a list.
func (j *jsonWalk) item(m map[string]any) {
	str := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && s != "" {
				return sanitize(s, maxMessage*4)
			}
		}
		return ""
	}
	msg := str("message", "detail", "msg", "description", "reason", "title", "error")
	rule := str("code", "rule", "type", "issue", "reason", "error")
	if rule == msg {
		rule = str("code", "rule", "type")
		if rule == msg {
			rule = ""
		}
	}
	if rule == "" {
		if n, ok := intString(m["code"]); ok {
			rule = n
		}
	}
	field := str("field", "param", "parameter", "target", "name", "property",
		"propertyPath", "property_path", "attribute", "key")
	if field == "" {
		if src, ok := m["source"].(map[string]any); ok { // JSON:API
			if p, ok := src["pointer"].(string); ok {
				field = pointerPath(p)
			} else if p, ok := src["parameter"].(string); ok {
				field = sanitize(p, maxMessage)
			} else if p, ok := src["header"].(string); ok {
				field = sanitize(p, maxMessage)
			}
		}
	}
	if field == "" {
		if p, ok := m["pointer"].(string); ok { // RFC 9457's example errors
			field = pointerPath(p)
		} else if loc, ok := m["loc"].([]any); ok { // FastAPI
			field = locPath(loc)
		} else if p, ok := m["path"].([]any); ok { // GraphQL-ish, zod
			field = locPath(p)
		} else if p, ok := m["path"].(string); ok {
			field = sanitize(p, maxMessage)
		}
	}
	if field != "" {
		if msg == "" {
			msg = rule
		}
		j.addField(field, rule, msg)
	}
	if j.itemCode == "" && rule != "" {
		j.itemCode = rule
	}
	if j.itemMessage == "" {
		if d := str("detail", "message", "msg"); d != "" {
			if field != "" && d == msg {
				d = field + ": " + d
			}
			j.itemMessage = d
		}
	}
	if j.itemTitle == "" {
		j.itemTitle = str("title")
	}
	if j.e.Docs == "" {
		if links, ok := m["links"].(map[string]any); ok { // JSON:API links.about
			if s, ok := links["about"].(string); ok {
				j.e.Docs = sanitize(s, maxMessage*4)
			} else if a, ok := links["about"].(map[string]any); ok {
				if s, ok := a["href"].(string); ok {
					j.e.Docs = sanitize(s, maxMessage*4)
				}
			}
		}
	}
	if ie, ok := firstOf(m, "innererror", "innerError").(map[string]any); ok {
		j.innerError(ie, 0)
	}
}

// fieldMap reads {"field": ["message", …]} or {"field": "message"}; values
// that are neither are left alone.
func (j *jsonWalk) fieldMap(m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // map order is random; field errors are not
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			j.addField(sanitize(k, maxMessage), "", sanitize(v, maxMessage*4))
		case []any:
			for _, it := range v {
				switch x := it.(type) {
				case string:
					j.addField(sanitize(k, maxMessage), "", sanitize(x, maxMessage*4))
				case map[string]any: // {"email": [{"code": "taken", "message": "…"}]}
					msg, _ := firstOf(x, "message", "msg", "error", "description").(string)
					code, _ := firstOf(x, "code", "rule", "type", "error").(string)
					if msg == "" {
						msg = code
					}
					j.addField(sanitize(k, maxMessage), sanitize(code, maxMessage), sanitize(msg, maxMessage*4))
				}
			}
		}
	}
}

const maxFields = 100

// addField appends a field error unless it is a duplicate.
func (j *jsonWalk) addField(field, rule, msg string) {
	e := j.e
	if len(e.Fields) >= maxFields {
		return
	}
	for _, f := range e.Fields {
		if f.Field == field && f.Message == msg {
			return
		}
	}
	e.Fields = append(e.Fields, apierr.FieldError{Field: field, Rule: rule, Message: msg})
}
