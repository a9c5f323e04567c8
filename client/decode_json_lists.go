package client

import (
	"slices"

	"github.com/apierr/apierr"
)

// list reads a list of error items: JSON:API errors, GitHub's errors,
// FastAPI's detail, Google's typed details, Microsoft's details, RFC 9457
// extension lists, GraphQL errors, or plain strings.
func (j *jsonWalk) list(l []any) {
	for i, it := range l {
		if i >= 100 {
			return
		}
		switch v := it.(type) {
		case string:
			j.itemMessage.offer(sanitize(v, maxMessage), 0)
		case map[string]any:
			if t, ok := v["@type"].(string); ok {
				j.googleDetail(t, v)
				continue
			}
			j.item(v)
		}
	}
}

// The members of one error item, best first.
var (
	itemMessageKeys = []string{"message", "detail", "msg", "description", "reason", "title", "error",
		"longMessage", "errorSummary", "error_message", "errorMessage", "Message", "Detail"}
	itemDetailKeys = []string{"detail", "message", "msg", "description", "reason", "errorSummary",
		"Message", "Detail"}
	itemRuleKeys = []string{"code", "errorCode", "error_code", "errcode", "Code", "rule", "type", "issue",
		"reason", "error"}
	itemRuleOnlyKeys = []string{"code", "errorCode", "error_code", "errcode", "Code", "rule", "type"}
	itemFieldKeys    = []string{"field", "param", "parameter", "target", "name", "property",
		"propertyPath", "property_path", "attribute", "key", "element"}
	itemNumberKeys = []string{"code", "errorId", "error_code", "errorCode"}
)

// itemString returns the first non-empty string member of m among keys.
func itemString(m map[string]any, keys []string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			if s = sanitize(s, maxMessage*4); s != "" {
				return s
			}
		}
	}
	return ""
}

// item reads one error object of a list.
func (j *jsonWalk) item(m map[string]any) {
	msg := itemString(m, itemMessageKeys)
	rule, numeric := itemRule(m, msg)
	field := itemField(m)
	if field != "" {
		if msg == "" {
			msg = rule
		}
		j.addField(field, rule, msg)
	}
	switch {
	case rule == "":
	case numeric: // below a numeric code of the object holding the list
		j.code.offer(rule, mkRank(tierNumber, 1, 0))
	default:
		j.code.offer(rule, mkRank(tierItem, 0, 0))
	}
	if j.itemMessage.v == "" { // the first item's message is the one kept
		if d := itemString(m, itemDetailKeys); d != "" {
			if field != "" && d == msg {
				d = field + ": " + d
			}
			j.itemMessage.offer(d, 0)
		}
	}
	if j.itemTitle.v == "" {
		j.itemTitle.offer(itemString(m, []string{"title"}), 0)
	}
	if links, ok := m["links"].(map[string]any); ok { // JSON:API links.about
		if s, ok := links["about"].(string); ok {
			j.docs.offer(sanitize(s, maxMessage*4), mkRank(2, 0, 0))
		} else if a, ok := links["about"].(map[string]any); ok {
			if s, ok := a["href"].(string); ok {
				j.docs.offer(sanitize(s, maxMessage*4), mkRank(2, 0, 0))
			}
		}
	}
	if ie, ok := firstOf(m, "innererror", "innerError").(map[string]any); ok {
		j.innerError(ie, 0)
	}
}

// itemRule is an item's code: a code member unless it only repeats the
// message, GraphQL's extensions.code, a word id (Coinbase), or a number
// (numeric reports that).
func itemRule(m map[string]any, msg string) (rule string, numeric bool) {
	rule = itemString(m, itemRuleKeys)
	if rule == msg {
		if rule = itemString(m, itemRuleOnlyKeys); rule == msg {
			rule = ""
		}
	}
	if rule != "" {
		return rule, false
	}
	if ext, ok := m["extensions"].(map[string]any); ok { // GraphQL
		if s := itemString(ext, []string{"code", "classification"}); s != "" {
			return s, false
		}
	}
	if id, ok := m["id"].(string); ok && isWord(id) {
		return id, false
	}
	for _, k := range itemNumberKeys {
		if n, ok := intString(m[k]); ok {
			return n, true
		}
	}
	return "", false
}

// itemField is the field an item is about: a field member, JSON:API's
// source, an RFC 9457 pointer, FastAPI's loc, a GraphQL or zod path, or
// the first of Salesforce's fields.
func itemField(m map[string]any) string {
	if f := itemString(m, itemFieldKeys); f != "" {
		return sanitize(f, maxMessage)
	}
	if src, ok := m["source"].(map[string]any); ok { // JSON:API
		if p, ok := src["pointer"].(string); ok {
			return pointerPath(p)
		}
		if p := itemString(src, []string{"parameter", "header"}); p != "" {
			return sanitize(p, maxMessage)
		}
	}
	switch p := firstOf(m, "pointer", "loc", "path", "fields").(type) {
	case string:
		if _, ok := m["pointer"]; ok {
			return pointerPath(p)
		}
		return sanitize(p, maxMessage)
	case []any:
		if _, ok := m["fields"]; ok && len(p) > 0 {
			s, _ := p[0].(string)
			return sanitize(s, maxMessage)
		}
		return locPath(p)
	}
	return ""
}

// fieldMap reads {"field": ["message", …]} or {"field": "message"}, and
// nested maps ({"user": {"email": [...]}}, Discord's {"name": {"_errors":
// [...]}}) with dotted field paths; other values are left alone.
func (j *jsonWalk) fieldMap(m map[string]any) { j.fieldMapAt(m, "", 0) }

func (j *jsonWalk) fieldMapAt(m map[string]any, prefix string, depth int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // map order is random; field errors are not
	for _, k := range keys {
		field := k
		if prefix != "" {
			field = prefix + "." + k
		}
		field = sanitize(field, maxMessage)
		switch v := m[k].(type) {
		case string:
			j.addField(field, "", sanitize(v, maxMessage*4))
		case []any:
			j.fieldList(field, v)
		case map[string]any:
			if l, ok := v["_errors"].([]any); ok {
				j.fieldList(field, l)
			} else if depth < maxDepth {
				j.fieldMapAt(v, field, depth+1)
			}
		}
	}
}

// fieldList reads the messages of one field: strings, or objects with a
// code and a message.
func (j *jsonWalk) fieldList(field string, l []any) {
	for _, it := range l {
		switch x := it.(type) {
		case string:
			j.addField(field, "", sanitize(x, maxMessage*4))
		case map[string]any: // {"email": [{"code": "taken", "message": "…"}]}
			msg, _ := firstOf(x, "message", "msg", "error", "description").(string)
			code, _ := firstOf(x, "code", "rule", "type", "error").(string)
			if msg == "" {
				msg = code
			}
			j.addField(field, sanitize(code, maxMessage), sanitize(msg, maxMessage*4))
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
