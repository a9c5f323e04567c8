package client

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/apierr/apierr"
)

// fromJSON fills e from a JSON body of any of the shapes the package doc
// lists. Every member is optional and read by duck typing, so one walk covers
// the families and their mixtures; the first value found for a member wins,
// outer objects before the nested "error" object. It reports false when the
// body is not JSON.
func fromJSON(e *apierr.Error, body []byte) bool {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		j := jsonWalk{e: e}
		j.object(t, 0)
		j.finish()
	case []any: // a bare list of errors
		j := jsonWalk{e: e}
		j.list(t)
		j.finish()
	case string:
		e.Message = sanitize(t, maxMessage)
	default:
		return false
	}
	return true
}

// jsonWalk carries the fallbacks that only apply when nothing better is found.
type jsonWalk struct {
	e *apierr.Error
	// weak code candidates, in priority order of the slice index.
	typeCode, statusCode, numCode, itemCode string
	itemMessage, itemTitle                  string
}

const maxDepth = 4

func (j *jsonWalk) finish() {
	e := j.e
	for _, c := range []string{j.typeCode, j.statusCode, j.itemCode, j.numCode} {
		if e.Code == "" && c != "" {
			e.Code = c
		}
	}
	if e.Message == "" && e.Detail == "" && e.Title == "" {
		e.Message = j.itemMessage
	}
	if e.Title == "" {
		e.Title = j.itemTitle
	}
}

func (j *jsonWalk) object(m map[string]any, depth int) {
	if depth > maxDepth {
		return
	}
	e := j.e
	if kind, _ := m["kind"].(string); kind == "Status" {
		j.kubernetes(m)
		return
	}
	known := false
	set := func(dst *string, keys ...string) {
		if *dst != "" {
			return
		}
		for _, k := range keys {
			if s, ok := m[k].(string); ok {
				if s = sanitize(s, maxMessage*4); s != "" {
					*dst = s
					known = true
					return
				}
			}
		}
	}

	// Strong codes: an "error" string (apierr envelope, seeds 001/002/004,
	// OAuth), a string "code", an AWS __type, a Kubernetes-style reason.
	if s, ok := m["error"].(string); ok && e.Code == "" {
		s = sanitize(s, maxMessage)
		if s != "" && s == http.StatusText(e.Status) || strings.ContainsRune(s, ' ') {
			// Spring Boot's {"error": "Not Found"}: a title, not a code.
			if e.Title == "" {
				e.Title = s
			}
		} else {
			e.Code = s
		}
		known = true
	}
	set(&e.Code, "code", "error_code", "errorCode", "ErrorCode", "Code")
	if s, ok := m["__type"].(string); ok && e.Code == "" {
		e.Code = sanitize(awsErrorType(s), maxMessage)
		known = true
	}
	set(&e.Message, "message", "Message", "error_description", "errorMessage",
		"error_message", "msg", "description")
	set(&e.Title, "title")
	set(&e.Action, "action")
	set(&e.Docs, "docs", "doc_url", "documentation_url", "docs_url", "more_info",
		"help_url", "documentation", "help")
	set(&e.RequestID, "request_id", "requestId", "RequestId", "requestID", "request-id",
		"trace_id", "traceId", "correlation_id", "correlationId")
	set(&e.Instance, "instance")

	// "type": an RFC 9457 problem type URL is the docs; Stripe's
	// "invalid_request_error" is a weak code.
	if s, ok := m["type"].(string); ok {
		s = sanitize(s, maxMessage*4)
		switch {
		case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") ||
			strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//"):
			// An RFC 9457 type: a URL, or a relative reference such as apierr's
			// "/errors/rate-limited", names the docs.
			if e.Docs == "" {
				e.Docs = s
			}
		case s != "" && s != "about:blank":
			if j.typeCode == "" {
				j.typeCode = s
			}
			setContext(e, "type", s)
		}
		known = true
	}
	// "status": Google's canonical code ("RESOURCE_EXHAUSTED") is a weak code;
	// numbers, numeric strings (GitHub's "422") and JSend words are not.
	if s, ok := m["status"].(string); ok && !isDigits(s) {
		switch strings.ToLower(s) {
		case "failure", "error", "fail", "success", "":
		default:
			if j.statusCode == "" {
				j.statusCode = sanitize(s, maxMessage)
			}
		}
	}
	if n, ok := intString(m["code"]); ok && j.numCode == "" {
		j.numCode = n // Twilio's 20404; Google's and Kubernetes' HTTP status
	}

	for _, k := range []string{"retryable", "retriable", "is_retryable", "isRetryable"} {
		if b, ok := m[k].(bool); ok && b {
			e.Retryable = true
		}
	}
	for _, k := range []string{"retryAfter", "retry_after", "retryAfterSeconds",
		"retry_after_seconds", "retry_after_secs", "retryDelay"} {
		if v, ok := m[k]; ok && e.RetryAfter == 0 {
			if d, ok := hintDuration(v); ok && d > 0 {
				e.RetryAfter = d
			}
		}
	}
	for _, k := range []string{"retry_after_ms", "retryAfterMs"} {
		if n, ok := numberOf(m[k]); ok && n > 0 && e.RetryAfter == 0 {
			e.RetryAfter = msDuration(n)
		}
	}

	// detail: a string (RFC 9457, seed 004, FastAPI) or FastAPI's list.
	switch v := m["detail"].(type) {
	case string:
		if e.Detail == "" {
			e.Detail = sanitize(v, maxMessage*4)
		}
		known = true
	case []any:
		j.list(v)
		known = true
	}
	// details: a string (seed 003), an object (seed 001), or a list
	// (Google's typed details, Microsoft's nested errors).
	switch v := m["details"].(type) {
	case string:
		if e.Detail == "" {
			e.Detail = sanitize(v, maxMessage*4)
		}
	case map[string]any:
		setContext(e, "details", v)
	case []any:
		j.list(v)
	}

	// A field named at this level: seed 003's field, Stripe's param,
	// Microsoft's target.
	for _, k := range []string{"field", "param", "target"} {
		if f, ok := m[k].(string); ok && f != "" {
			msg := e.Detail
			if d, ok := m["details"].(string); ok && d != "" {
				msg = d
			}
			if msg == "" {
				msg, _ = m["message"].(string)
			}
			code, _ := m["code"].(string)
			j.addField(f, code, msg)
			break
		}
	}

	// Field errors and error lists.
	switch v := m["errors"].(type) {
	case []any:
		j.list(v)
		known = true
	case map[string]any:
		j.fieldMap(v)
		known = true
	}
	for _, k := range []string{"invalid-params", "invalid_params", "violations",
		"validation_errors", "fieldErrors", "field_errors"} {
		switch v := m[k].(type) {
		case []any:
			j.list(v)
		case map[string]any:
			j.fieldMap(v)
		}
	}
	// apierr's envelope: context, with field errors in context.errors.
	if ctx, ok := m["context"].(map[string]any); ok {
		for k, v := range ctx {
			switch k {
			case "errors":
				if fm, ok := v.(map[string]any); ok {
					j.fieldMap(fm)
					continue
				}
				if l, ok := v.([]any); ok {
					j.list(l)
					continue
				}
			case "retry_after", "retryAfter":
				if d, ok := hintDuration(v); ok && d > 0 && e.RetryAfter == 0 {
					e.RetryAfter = d
				}
			}
			setContext(e, k, v)
		}
	}
	// Microsoft's innererror chain: the innermost code is the most specific.
	if ie, ok := firstOf(m, "innererror", "innerError").(map[string]any); ok {
		j.innerError(ie, 0)
	}
	for _, k := range []string{"decline_code", "domain"} {
		if s, ok := m[k].(string); ok && s != "" {
			setContext(e, k, sanitize(s, maxMessage))
		}
	}

	// The nested error object (Stripe, Google, Microsoft, seed 003) fills
	// whatever the outer object left empty.
	if inner, ok := m["error"].(map[string]any); ok {
		j.object(inner, depth+1)
		known = true
	}
	if depth == 0 && isProblem(m) {
		// RFC 9457 extension members are the problem type's own data.
		for k, v := range m {
			if !problemMembers[k] {
				setContext(e, k, v)
			}
		}
	}
	if !known && e.Code == "" && e.Message == "" && len(e.Fields) == 0 {
		// {"email": ["is invalid"]}: a bare field-keyed map of messages.
		j.fieldMap(m)
	}
}

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
	rule := str("code", "rule", "type", "reason", "error")
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

// googleDetail reads one google.rpc typed detail.
func (j *jsonWalk) googleDetail(t string, m map[string]any) {
	e := j.e
	name := t[strings.LastIndexByte(t, '/')+1:]
	switch name {
	case "google.rpc.ErrorInfo":
		if s, ok := m["reason"].(string); ok && s != "" && e.Code == "" {
			e.Code = sanitize(s, maxMessage)
		}
		if s, ok := m["domain"].(string); ok && s != "" {
			setContext(e, "domain", sanitize(s, maxMessage))
		}
		if md, ok := m["metadata"].(map[string]any); ok && len(md) > 0 {
			setContext(e, "metadata", md)
		}
	case "google.rpc.RetryInfo":
		if d, ok := hintDuration(m["retryDelay"]); ok && d > 0 && e.RetryAfter == 0 {
			e.RetryAfter = d
		}
		e.Retryable = true
	case "google.rpc.BadRequest":
		if l, ok := m["fieldViolations"].([]any); ok {
			for _, it := range l {
				if v, ok := it.(map[string]any); ok {
					f, _ := v["field"].(string)
					d, _ := v["description"].(string)
					r, _ := v["reason"].(string)
					if f != "" {
						j.addField(sanitize(f, maxMessage), sanitize(r, maxMessage), sanitize(d, maxMessage*4))
					}
				}
			}
		}
	case "google.rpc.RequestInfo":
		if s, ok := m["requestId"].(string); ok && e.RequestID == "" {
			e.RequestID = sanitize(s, 128)
		}
	case "google.rpc.Help":
		if l, ok := m["links"].([]any); ok && len(l) > 0 && e.Docs == "" {
			if v, ok := l[0].(map[string]any); ok {
				if s, ok := v["url"].(string); ok {
					e.Docs = sanitize(s, maxMessage*4)
				}
			}
		}
	case "google.rpc.LocalizedMessage":
		if s, ok := m["message"].(string); ok && e.Message == "" {
			e.Message = sanitize(s, maxMessage*4)
		}
	case "google.rpc.QuotaFailure", "google.rpc.PreconditionFailure":
		if l, ok := m["violations"].([]any); ok {
			setContext(e, strings.TrimPrefix(name, "google.rpc."), l)
		}
	}
}

// kubernetes reads a metav1.Status.
func (j *jsonWalk) kubernetes(m map[string]any) {
	e := j.e
	if s, ok := m["reason"].(string); ok {
		e.Code = sanitize(s, maxMessage)
	}
	if s, ok := m["message"].(string); ok {
		e.Message = sanitize(s, maxMessage*4)
	}
	if n, ok := intString(m["code"]); ok && e.Code == "" {
		j.numCode = n
	}
	d, ok := m["details"].(map[string]any)
	if !ok {
		return
	}
	if v, ok := d["retryAfterSeconds"]; ok {
		if ra, ok := hintDuration(v); ok && ra > 0 {
			e.RetryAfter = ra
		}
	}
	for _, k := range []string{"name", "group", "kind", "uid"} {
		if s, ok := d[k].(string); ok && s != "" {
			setContext(e, k, sanitize(s, maxMessage))
		}
	}
	if causes, ok := d["causes"].([]any); ok {
		for _, c := range causes {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			f, _ := cm["field"].(string)
			r, _ := cm["reason"].(string)
			msg, _ := cm["message"].(string)
			if f != "" {
				j.addField(sanitize(f, maxMessage), sanitize(r, maxMessage), sanitize(msg, maxMessage*4))
			} else if j.itemMessage == "" {
				j.itemMessage = sanitize(msg, maxMessage*4)
			}
		}
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

// innerError follows Microsoft's innererror chain to its innermost code.
func (j *jsonWalk) innerError(m map[string]any, depth int) {
	if depth > 8 {
		return
	}
	if s, ok := m["code"].(string); ok && s != "" {
		if j.e.Context == nil {
			j.e.Context = make(map[string]any, 2)
		}
		j.e.Context["innererror"] = sanitize(s, maxMessage)
	}
	for _, k := range []string{"request-id", "requestId", "request_id"} {
		if s, ok := m[k].(string); ok && s != "" && j.e.RequestID == "" {
			j.e.RequestID = sanitize(s, 128)
		}
	}
	if next, ok := firstOf(m, "innererror", "innerError").(map[string]any); ok {
		j.innerError(next, depth+1)
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

func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}

// pointerPath turns a JSON pointer into a field path: "/data/attributes/
// first-name" → "first-name", "#/items/0/name" → "items[0].name".
func pointerPath(p string) string {
	p = strings.TrimPrefix(p, "#")
	p = strings.TrimPrefix(p, "/data/attributes/")
	p = strings.TrimPrefix(p, "/data/relationships/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return ""
	}
	parts := strings.Split(p, "/")
	var b strings.Builder
	for _, s := range parts {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		if isDigits(s) && b.Len() > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return sanitize(b.String(), maxMessage)
}

// locPath turns FastAPI's loc (["body", "items", 0, "name"]) into a field
// path ("items[0].name"), dropping the leading location kind.
func locPath(loc []any) string {
	var b strings.Builder
	for i, p := range loc {
		switch v := p.(type) {
		case string:
			if i == 0 && len(loc) > 1 {
				switch v {
				case "body", "query", "path", "header", "cookie", "form":
					continue
				}
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case float64:
			n, _ := intString(v)
			b.WriteString("[" + n + "]")
		}
	}
	return sanitize(b.String(), maxMessage)
}

// numberOf reads a JSON number or numeric string.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// isProblem reports whether m looks like an RFC 9457 problem document.
func isProblem(m map[string]any) bool {
	_, title := m["title"].(string)
	_, typ := m["type"].(string)
	_, detail := m["detail"].(string)
	return title && (typ || detail)
}

// problemMembers are the members Decode maps onto apierr.Error fields; the
// others of a problem document go to Context.
var problemMembers = map[string]bool{
	"type": true, "title": true, "status": true, "detail": true, "instance": true,
	"code": true, "action": true, "request_id": true, "retry_after": true,
	"errors": true, "context": true, "invalid-params": true, "invalid_params": true,
}

// intString formats a JSON number (a float64 once decoded) as Twilio's 20404
// or a list index, not as 2.0404e+04.
func intString(v any) (string, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// fromJSONPrefix salvages what it can from a JSON object cut short (a body
// longer than MaxBody) or broken further on: the top-level members and
// those of a nested "error" object, read token by token up to the first
// error. It reports whether it found a code or a message.
func fromJSONPrefix(e *apierr.Error, body []byte) bool {
	type frame struct {
		obj, wantKey bool
		key          string
		m            map[string]any
	}
	d := json.NewDecoder(bytes.NewReader(body))
	top := make(map[string]any)
	var stack []frame
	for range 10000 {
		tok, err := d.Token()
		if err != nil {
			break
		}
		var f *frame
		if n := len(stack); n > 0 {
			f = &stack[n-1]
		}
		if f != nil && f.obj && f.wantKey {
			if s, ok := tok.(string); ok {
				f.key, f.wantKey = s, false
				continue
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				var m map[string]any
				if f == nil {
					m = top
				} else if len(stack) == 1 && f.obj && f.key == "error" {
					m = make(map[string]any)
					f.m[f.key] = m
				}
				stack = append(stack, frame{obj: true, wantKey: true, m: m})
			case '[':
				stack = append(stack, frame{})
			default: // '}' or ']'
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				if n := len(stack); n > 0 && stack[n-1].obj {
					stack[n-1].wantKey = true
				}
			}
		default:
			if f != nil && f.obj {
				if f.m != nil {
					f.m[f.key] = v
				}
				f.wantKey = true
			}
		}
	}
	if len(top) == 0 {
		return false
	}
	j := jsonWalk{e: e}
	j.object(top, 0)
	j.finish()
	return e.Code != "" || e.Message != ""
}
