package client

import (
	"encoding/json"
	"net/http"
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
	// Weak code candidates, used only when no member names a code: Stripe's
	// type, Google's canonical status, PayPal's name, the first list item's
	// code, a numeric code (in that order, see finish).
	typeCode, statusCode, nameCode, numCode, itemCode string
	itemMessage, itemTitle                            string
}

// maxDepth bounds how deep nested "error" objects are followed.
const maxDepth = 4

// finish applies the weak fallbacks once the whole document is read.
func (j *jsonWalk) finish() {
	e := j.e
	for _, c := range []string{j.typeCode, j.statusCode, j.nameCode, j.itemCode, j.numCode} {
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

// object reads one JSON object: the top-level body, or a nested "error".
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
		"trace_id", "traceId", "correlation_id", "correlationId", "debug_id")
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
	// numbers, numeric strings (GitHub's "422"), JSend's "error"/"fail" and
	// Kubernetes' "Failure" are not.
	if s, ok := m["status"].(string); ok && j.statusCode == "" && isUpperSnake(s) {
		j.statusCode = s
	}
	if s, ok := m["name"].(string); ok && j.nameCode == "" && isUpperSnake(s) {
		j.nameCode = s // PayPal's "VALIDATION_ERROR"
	}
	if l, ok := m["links"].([]any); ok && e.Docs == "" { // PayPal's HATEOAS links
		for _, it := range l {
			if lm, ok := it.(map[string]any); ok {
				rel, _ := lm["rel"].(string)
				href, _ := lm["href"].(string)
				if href != "" && (rel == "information_link" || rel == "help" || rel == "about" || rel == "describedby") {
					e.Docs = sanitize(href, maxMessage*4)
					break
				}
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
		// Seed 001 puts validation errors in details.errors.
		switch l := v["errors"].(type) {
		case []any:
			j.list(l)
		case map[string]any:
			j.fieldMap(l)
		}
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
			j.addField(sanitize(f, maxMessage), sanitize(code, maxMessage), sanitize(msg, maxMessage*4))
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
	if !known && e.Code == "" && e.Message == "" && len(e.Fields) == 0 && isFieldMap(m) {
		// {"email": ["is invalid"]}: a bare field-keyed map of messages
		// (Rails, Django REST framework).
		j.fieldMap(m)
	}
}

// isFieldMap reports whether every member of m is a non-empty list of
// strings, the shape of a bare field-keyed map of messages. Requiring lists
// keeps {"status": "down", "reason": "maintenance"} from passing as fields.
func isFieldMap(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for _, v := range m {
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return false
		}
		for _, it := range l {
			if _, ok := it.(string); !ok {
				return false
			}
		}
	}
	return true
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
	"traceId": true, "trace_id": true, "requestId": true,
}

// isUpperSnake reports whether s looks like a canonical code: A–Z and _,
// at most 64 bytes.
func isUpperSnake(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}
