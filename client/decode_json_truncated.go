package client

import (
	"bytes"
	"encoding/json"

	"github.com/apierr/apierr"
)

// fromJSONPrefix salvages what it can from a JSON object cut short (a body
// longer than MaxBody) or broken further on: the top-level members and
// those of a nested "error" object, read token by token up to the first
// error. It returns the weak code and reports whether it found a code or a
// message.
func fromJSONPrefix(e *apierr.Error, body []byte) (string, bool) {
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
		return "", false
	}
	j := newWalk(e)
	defer j.release()
	j.object(top, 0)
	weak := j.finish()
	return weak, e.Code != "" || weak != "" || e.Message != ""
}
