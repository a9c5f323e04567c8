package probe

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apierr/apierr"
)

// decodeResponse decodes an error response into an error from which
// errors.As gives *apierr.Error, or nil for a 2xx response. It has
// client.Decode's signature so the probe reads bodies exactly as the apierr
// client does; until the client package lands it is a small local decoder of
// the envelope and problem shapes.
var decodeResponse = localDecode

// localDecode understands the envelope ({"error": code, ...}), a nested
// {"error": {"code": ...}} object and RFC 9457 problem+json ({"code"} or
// {"type"}). Anything else yields an *apierr.Error without a code.
func localDecode(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &apierr.Error{Status: resp.StatusCode}
	var m map[string]any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return e
	}
	str := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	if inner, ok := m["error"].(map[string]any); ok {
		e.Code = str(inner, "code", "type")
		e.Message = str(inner, "message", "details")
		e.Docs = str(inner, "docs", "doc_url", "documentation_url")
		e.RequestID = str(inner, "request_id", "requestId")
	} else {
		e.Code = str(m, "error", "code")
		e.Message = str(m, "message", "detail", "title")
		e.Docs = str(m, "docs", "doc_url", "documentation_url")
		if t := str(m, "type"); e.Docs == "" && t != "about:blank" && strings.Contains(t, "://") {
			e.Docs = t
		}
	}
	if e.RequestID == "" {
		e.RequestID = str(m, "request_id", "requestId")
	}
	if n, ok := m["retry_after"].(json.Number); ok {
		if s, err := strconv.ParseInt(string(n), 10, 64); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return e
}
