package client

import (
	"strings"
)

// googleDetails reads the google.rpc typed details, by type name.
var googleDetails = map[string]func(j *jsonWalk, m map[string]any){
	"google.rpc.ErrorInfo": func(j *jsonWalk, m map[string]any) {
		if s, ok := m["reason"].(string); ok {
			j.code.offer(sanitize(s, maxMessage), mkRank(tierReason, 0, 0))
		}
		if s, ok := m["domain"].(string); ok && s != "" {
			setContext(j.e, "domain", sanitize(s, maxMessage))
		}
		if md, ok := m["metadata"].(map[string]any); ok && len(md) > 0 {
			setContext(j.e, "metadata", md)
		}
	},
	"google.rpc.RetryInfo": func(j *jsonWalk, m map[string]any) {
		if d, ok := hintDuration(m["retryDelay"]); ok {
			j.offerRetry(d, mkRank(1, 0, 0))
		}
		j.e.Retryable = true
	},
	"google.rpc.BadRequest": func(j *jsonWalk, m map[string]any) {
		l, _ := m["fieldViolations"].([]any)
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
	},
	"google.rpc.RequestInfo": func(j *jsonWalk, m map[string]any) {
		if s, ok := m["requestId"].(string); ok {
			j.requestID.offer(sanitize(s, 128), mkRank(1, 0, 0))
		}
	},
	"google.rpc.Help": func(j *jsonWalk, m map[string]any) {
		if l, ok := m["links"].([]any); ok && len(l) > 0 {
			if v, ok := l[0].(map[string]any); ok {
				if s, ok := v["url"].(string); ok {
					j.docs.offer(sanitize(s, maxMessage*4), mkRank(2, 0, 0))
				}
			}
		}
	},
	"google.rpc.LocalizedMessage": func(j *jsonWalk, m map[string]any) {
		if s, ok := m["message"].(string); ok {
			j.message.offer(sanitize(s, maxMessage*4), mkRank(1, 0, 0))
		}
	},
	"google.rpc.QuotaFailure":        googleViolations,
	"google.rpc.PreconditionFailure": googleViolations,
}

func googleViolations(j *jsonWalk, m map[string]any) {
	if l, ok := m["violations"].([]any); ok {
		t, _ := m["@type"].(string)
		setContext(j.e, strings.TrimPrefix(t[strings.LastIndexByte(t, '/')+1:], "google.rpc."), l)
	}
}

// googleDetail reads one google.rpc typed detail.
func (j *jsonWalk) googleDetail(t string, m map[string]any) {
	if read := googleDetails[t[strings.LastIndexByte(t, '/')+1:]]; read != nil {
		read(j, m)
	}
}

// kubernetes reads a metav1.Status.
func (j *jsonWalk) kubernetes(m map[string]any, depth int) {
	if s, ok := m["reason"].(string); ok {
		j.code.offer(sanitize(s, maxMessage), mkRank(tierCode, depth, 0))
	}
	if s, ok := m["message"].(string); ok {
		j.message.offer(sanitize(s, maxMessage*4), mkRank(0, depth, 0))
	}
	if n, ok := intString(m["code"]); ok {
		j.code.offer(n, mkRank(tierNumber, depth, 0))
	}
	d, ok := m["details"].(map[string]any)
	if !ok {
		return
	}
	if ra, ok := hintDuration(d["retryAfterSeconds"]); ok {
		j.offerRetry(ra, mkRank(0, depth, 0))
	}
	for _, k := range []string{"name", "group", "kind", "uid"} {
		if s, ok := d[k].(string); ok && s != "" {
			setContext(j.e, k, sanitize(s, maxMessage))
		}
	}
	causes, _ := d["causes"].([]any)
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
		} else {
			j.itemMessage.offer(sanitize(msg, maxMessage*4), 0)
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
	if s := itemString(m, []string{"request-id", "requestId", "request_id"}); s != "" {
		j.requestID.offer(sanitize(s, 128), mkRank(1, depth, 0))
	}
	if next, ok := firstOf(m, "innererror", "innerError").(map[string]any); ok {
		j.innerError(next, depth+1)
	}
}
