package client

import (
	"strings"
)

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
