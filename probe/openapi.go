package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apierr/apierr"
)

// CheckDeclared is the check that an operation's error answer carries a
// code the operation declares in the OpenAPI document (Config.OpenAPI).
const CheckDeclared = "declared"

// maxOpenAPIRequests caps the requests sent to the operations of an OpenAPI
// document (four per operation at most).
const maxOpenAPIRequests = 400

// Operation is one operation of an OpenAPI document as the probe reads it:
// its route, the error codes its responses declare (the enums of the code
// member, and the discriminator's mapping, of every 4xx and 5xx response),
// whether it needs credentials and whether it reads a JSON body.
type Operation struct {
	Method, Path string
	Codes        []string
	Secured      bool // the document requires a security scheme for it
	JSONBody     bool // it has a request body with a JSON media type
}

// ReadOpenAPI reads the operations of an OpenAPI 3.0 or 3.1 document (YAML
// or JSON), sorted by path then method, and the document's first server URL
// ("" when it has none).
func ReadOpenAPI(doc []byte) (ops []Operation, server string, err error) {
	var root map[string]any
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, "", fmt.Errorf("probe: OpenAPI document: not YAML or JSON: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	v, _ := root["openapi"].(string)
	if !strings.HasPrefix(v, "3.") {
		return nil, "", errors.New("probe: OpenAPI document: no openapi 3.x version member")
	}
	if servers, ok := root["servers"].([]any); ok && len(servers) > 0 {
		if s, ok := servers[0].(map[string]any); ok {
			server, _ = s["url"].(string)
		}
	}
	paths, ok := root["paths"].(map[string]any)
	if !ok {
		return nil, server, errors.New("probe: OpenAPI document: no paths")
	}
	rootSecured := secured(root["security"])
	r := &refs{root: root}
	for path, item := range paths {
		pi, ok := r.resolve(item).(map[string]any)
		if !ok {
			continue
		}
		for _, m := range []string{"get", "put", "post", "delete", "patch"} {
			op, ok := pi[m].(map[string]any)
			if !ok {
				continue
			}
			o := Operation{Method: strings.ToUpper(m), Path: path, Secured: rootSecured}
			if sec, ok := op["security"]; ok {
				o.Secured = secured(sec)
			}
			if rb, ok := r.resolve(op["requestBody"]).(map[string]any); ok {
				if content, ok := rb["content"].(map[string]any); ok {
					for mt := range content {
						if mt == "application/json" || strings.HasSuffix(mt, "+json") {
							o.JSONBody = true
						}
					}
				}
			}
			codes := map[string]bool{}
			responses, _ := op["responses"].(map[string]any)
			for status, resp := range responses {
				if n, err := strconv.Atoi(status); err != nil || n < 400 {
					continue
				}
				rs, _ := r.resolve(resp).(map[string]any)
				content, _ := rs["content"].(map[string]any)
				for _, media := range content {
					if md, ok := media.(map[string]any); ok {
						r.codes(md["schema"], "", codes, 0)
					}
				}
			}
			for c := range codes {
				o.Codes = append(o.Codes, c)
			}
			sort.Strings(o.Codes)
			ops = append(ops, o)
		}
	}
	order := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return order[ops[i].Method] < order[ops[j].Method]
	})
	return ops, server, nil
}

// secured reports whether a security requirement list requires something.
func secured(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return false
	}
	for _, req := range list {
		if m, ok := req.(map[string]any); ok && len(m) == 0 {
			return false // {} makes it optional
		}
	}
	return true
}

type refs struct{ root map[string]any }

// resolve follows a local $ref, a few levels deep.
func (r *refs) resolve(v any) any {
	for range 8 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		v = r.pointer(ref)
	}
	return v
}

func (r *refs) pointer(ref string) any {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = r.root
	for _, part := range strings.Split(p, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// codes collects the codes a schema admits: the keys of a discriminator's
// mapping and the string enums of its code member (the discriminator's
// property, else a member named error or code), through $ref, allOf,
// oneOf, anyOf and nested objects.
func (r *refs) codes(v any, member string, out map[string]bool, depth int) {
	if depth > 16 {
		return
	}
	s, ok := r.resolve(v).(map[string]any)
	if !ok {
		return
	}
	if d, ok := s["discriminator"].(map[string]any); ok {
		if pn, ok := d["propertyName"].(string); ok {
			member = pn
		}
		if mapping, ok := d["mapping"].(map[string]any); ok {
			for k := range mapping {
				out[k] = true
			}
		}
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		if list, ok := s[k].([]any); ok {
			for _, e := range list {
				r.codes(e, member, out, depth+1)
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		ps, _ := r.resolve(p).(map[string]any)
		if name == member || member == "" && (name == "error" || name == "code") {
			if enum, ok := ps["enum"].([]any); ok {
				for _, e := range enum {
					if c, ok := e.(string); ok {
						out[c] = true
					}
				}
			}
		}
		if t, _ := ps["type"].(string); t == "object" || ps["properties"] != nil {
			r.codes(ps, member, out, depth+1)
		}
	}
}

var pathParam = regexp.MustCompile(`\{[^}/]*\}`)

// openAPISteps are the requests that must fail, per operation of the
// document: no credentials, a malformed JSON body, a body of the wrong
// content type, an unknown id where the path has a parameter.
func (p *prober) openAPISteps(authed func(*exchange) *exchange) []step {
	var s []step
	key := strings.TrimSpace(p.cfg.Key)
	unknownID := "apierr-probe-" + p.nonce
	body := func(str string) func() (io.Reader, int64) {
		return func() (io.Reader, int64) { return strings.NewReader(str), int64(len(str)) }
	}
	for _, op := range p.cfg.Operations {
		label := op.Method + " " + op.Path
		path := pathParam.ReplaceAllString(op.Path, unknownID)
		if strings.Contains(path, "{") || !strings.HasPrefix(path, "/") {
			continue
		}
		base := func(name, what string) *exchange {
			x := &exchange{name: label + " " + name, method: op.Method, path: path, what: what,
				declared: op.Codes, op: label, header: http.Header{}}
			if op.JSONBody {
				x.header.Set("Content-Type", "application/json")
				x.body = body("{}")
			}
			return x
		}
		if op.Secured {
			x := base("no_credentials", "a request without credentials")
			x.expect, x.cond = []int{http.StatusUnauthorized}, apierr.CondAuthMissing
			s = append(s, p.opStep(x))
		}
		if key == "" && op.Secured {
			continue // the rest would only be refused for want of a key
		}
		if op.JSONBody {
			x := authed(base("malformed_json", "malformed JSON"))
			x.body = body(`{"apierr_probe": [1, 2,`)
			x.expect = []int{http.StatusBadRequest, http.StatusUnprocessableEntity}
			s = append(s, p.opStep(x))
			x = authed(base("wrong_content_type", "a text/plain body"))
			x.header.Set("Content-Type", "text/plain; charset=utf-8")
			x.expect = []int{http.StatusUnsupportedMediaType, http.StatusBadRequest}
			s = append(s, p.opStep(x))
		}
		if path != op.Path {
			x := authed(base("unknown_id", "an unknown id"))
			x.expect = []int{http.StatusNotFound}
			x.lenient = "an API may refuse an id it cannot know otherwise (403, 422); the code must still be declared"
			s = append(s, p.opStep(x))
		}
		if len(s) >= maxOpenAPIRequests {
			break
		}
	}
	return s
}

// opStep sends x; a success answer is reported, not checked further.
func (p *prober) opStep(x *exchange) step {
	return step{x.name, func(ctx context.Context, p *prober) { p.exchange(ctx, x) }}
}

// checkDeclared wants the answer's code among those the operation
// declares.
func (p *prober) checkDeclared(x *exchange, r *response) {
	switch {
	case r.status < 400:
		p.row(x, r, CheckDeclared, Skip, fmt.Sprintf("%d: the operation accepted %s", r.status, x.what))
	case r.err == nil || r.err.Code == "":
		// checkDecodes has failed it.
	case len(x.declared) == 0:
		p.row(x, r, CheckDeclared, Fail, fmt.Sprintf("%s answered %q but the document declares no error codes for it", x.op, r.err.Code))
	case slices.Contains(x.declared, r.err.Code):
		p.row(x, r, CheckDeclared, Pass, fmt.Sprintf("%q is one of the %d codes %s declares", r.err.Code, len(x.declared), x.op))
	default:
		p.row(x, r, CheckDeclared, Fail, fmt.Sprintf("%s answered %q, a code it does not declare (it declares %s)", x.op, r.err.Code, strings.Join(x.declared, ", ")))
	}
}

// ResolveServer returns the base URL an OpenAPI document's server URL
// names, read relative to where the document came from.
func ResolveServer(docURL, server string) (string, error) {
	base, err := url.Parse(docURL)
	if err != nil {
		return "", err
	}
	if server == "" {
		server = "/"
	}
	s, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("probe: the document's server URL %q: %v", server, err)
	}
	return base.ResolveReference(s).String(), nil
}
