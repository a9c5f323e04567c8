package probe

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/apierr/apierr"
)

const userAgent = "apierr-probe/1"

// exchange is one request of the battery and what its answer must be.
type exchange struct {
	name     string
	method   string
	path     string // relative to BASE_URL
	header   http.Header
	body     func() (io.Reader, int64) // nil: no body
	expect   []int                     // statuses that fit the case
	what     string                    // the case, for the report: "an unknown endpoint"
	authed   bool                      // the valid key was sent
	allow    string                    // on 405, Allow must list this method
	cond     apierr.Condition          // the condition the case raises; a catalog's status for it replaces expect[0]
	lenient  string                    // when set, any status below 500 fits, for this reason
	guessed  bool                      // the route was guessed (BASE_URL itself): a public answer is a skip
	secrets  []secret                  // credentials sent, which the body must not echo
	sent     string                    // full path sent, set by send
	op       string                    // the OpenAPI operation, "POST /fax", for --openapi's requests
	declared []string                  // the codes op declares
}

// secret is a credential the probe sent and what to call it in the report.
type secret struct{ value, what string }

// step is one entry of the battery's progress: one exchange, or a sequence
// (the burst, the idempotency pair).
type step struct {
	name string
	run  func(ctx context.Context, p *prober)
}

// battery names the steps in order; steps builds them for a configuration.
var battery = []string{
	"unknown_endpoint", "wrong_method", "no_credentials", "auth_basic", "auth_bearer_empty",
	"unknown_key", "key_whitespace", "malformed_json", "wrong_content_type", "oversized_body",
	"long_header", "accept_xml", "accept_html_low_q", "accept_none", "idempotency_reuse", "burst",
}

func (p *prober) steps() []step {
	key := strings.TrimSpace(p.cfg.Key)
	post := p.cfg.PostPath
	unknown := "/apierr-probe-" + p.nonce + "-no-such-endpoint"

	// authed adds the key, when there is one.
	authed := func(x *exchange) *exchange {
		if x.header == nil {
			x.header = http.Header{}
		}
		if key != "" {
			x.header.Set("Authorization", "Bearer "+key)
			x.authed = true
			x.secrets = append(x.secrets, secret{key, "the API key sent (--key)"})
		}
		return x
	}
	jsonBody := func(s string) func() (io.Reader, int64) {
		return func() (io.Reader, int64) { return strings.NewReader(s), int64(len(s)) }
	}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	// The auth cases aim at a route that needs credentials: the POST route
	// when given (an unauthenticated POST must never run), else BASE_URL.
	authTarget := func(name, what string, cond apierr.Condition, h http.Header, secrets ...secret) *exchange {
		x := &exchange{name: name, method: http.MethodGet, path: "/", header: h,
			expect: []int{http.StatusUnauthorized}, what: what, cond: cond, secrets: secrets, guessed: true}
		if post != "" {
			x.method, x.path, x.body, x.guessed = http.MethodPost, post, jsonBody("{}"), false
			x.header.Set("Content-Type", "application/json")
		}
		return x
	}
	single := func(x *exchange) step {
		return step{x.name, func(ctx context.Context, p *prober) { p.exchange(ctx, x) }}
	}
	skip := func(name, why string) step {
		return step{name, func(_ context.Context, p *prober) {
			p.report.add(Result{Check: CheckStatus, Request: name, Result: Skip, Why: why})
		}}
	}
	const needPost = "not sent: needs a POST route (--post PATH)"

	var s []step
	s = append(s, single(authed(&exchange{name: "unknown_endpoint", method: http.MethodGet, path: unknown,
		expect: []int{http.StatusNotFound}, what: "an unknown endpoint", cond: apierr.CondEndpointNotFound})))
	if post != "" {
		s = append(s, single(authed(&exchange{name: "wrong_method", method: http.MethodDelete, path: post,
			expect: []int{http.StatusMethodNotAllowed}, what: "DELETE on a POST route", allow: http.MethodPost, cond: apierr.CondMethodNotAllowed})))
	} else {
		s = append(s, skip("wrong_method", needPost))
	}
	s = append(s,
		single(authTarget("no_credentials", "a request without credentials", apierr.CondAuthMissing, http.Header{})),
		single(authTarget("auth_basic", "a Basic Authorization header", apierr.CondAuthMalformed, hdr("Authorization", p.basic),
			secret{strings.TrimPrefix(p.basic, "Basic "), "the Basic credentials sent"})),
		single(authTarget("auth_bearer_empty", "an empty Bearer token", apierr.CondAuthMalformed, hdr("Authorization", "Bearer"))),
		single(authTarget("unknown_key", "an unknown API key", apierr.CondAuthInvalid, hdr("Authorization", "Bearer "+p.fakeKey),
			secret{p.fakeKey, "the unknown key sent"})),
	)
	if key != "" {
		// HTTP drops a value's trailing whitespace, so the space that reaches
		// the server is the one between the scheme and the key.
		x := authTarget("key_whitespace", "a key with surrounding whitespace", apierr.CondAuthInvalid,
			hdr("Authorization", "Bearer  "+key+" "), secret{key, "the API key sent (--key)"})
		x.lenient = "the API trims the key (a 401 naming the whitespace is the stricter answer)"
		s = append(s, single(x))
	} else {
		s = append(s, skip("key_whitespace", "not sent: needs a valid key (--key KEY)"))
	}
	if post != "" {
		s = append(s,
			single(authed(&exchange{name: "malformed_json", method: http.MethodPost, path: post,
				header: hdr("Content-Type", "application/json"), body: jsonBody(`{"apierr_probe": [1, 2,`),
				expect: []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, what: "malformed JSON", cond: apierr.CondMalformedBody})),
			single(authed(&exchange{name: "wrong_content_type", method: http.MethodPost, path: post,
				header: hdr("Content-Type", "text/plain; charset=utf-8"), body: jsonBody("{}"),
				expect: []int{http.StatusUnsupportedMediaType}, what: "a text/plain body", cond: apierr.CondUnsupportedMediaType})),
			single(authed(&exchange{name: "oversized_body", method: http.MethodPost, path: post,
				header: hdr("Content-Type", "application/json", "Expect", "100-continue"),
				body: func() (io.Reader, int64) {
					return newPadBody(p.cfg.Oversize), p.cfg.Oversize
				},
				expect: []int{http.StatusRequestEntityTooLarge}, what: fmt.Sprintf("a %s body", byteSize(p.cfg.Oversize)), cond: apierr.CondPayloadTooLarge})),
		)
	} else {
		s = append(s, skip("malformed_json", needPost), skip("wrong_content_type", needPost), skip("oversized_body", needPost))
	}
	s = append(s,
		single(authed(&exchange{name: "long_header", method: http.MethodGet, path: unknown,
			header: hdr("X-Apierr-Probe", strings.Repeat("a", p.cfg.LongHeader)),
			expect: []int{http.StatusNotFound, http.StatusRequestHeaderFieldsTooLarge, http.StatusBadRequest},
			what:   fmt.Sprintf("an unknown endpoint with a %s header (404 if accepted, 431 or 400 if refused)", byteSize(int64(p.cfg.LongHeader)))})),
	)
	for _, a := range []struct{ name, accept string }{
		{"accept_xml", "application/xml"},
		{"accept_html_low_q", "text/html;q=0.1"},
		{"accept_none", "*/*;q=0"},
	} {
		s = append(s, single(authed(&exchange{name: a.name, method: http.MethodGet, path: unknown,
			header: hdr("Accept", a.accept), expect: []int{http.StatusNotFound, http.StatusNotAcceptable},
			what: "an unknown endpoint with Accept: " + a.accept})))
	}
	s = append(s, p.openAPISteps(authed)...)
	if p.cfg.Idempotency {
		s = append(s, step{"idempotency_reuse", func(ctx context.Context, p *prober) { p.idempotency(ctx, authed) }})
	}
	if p.cfg.Burst > 0 {
		// Limits usually sit on the authenticated routes: the burst goes to
		// the POST route, with a body that can never be accepted, when
		// there is one.
		x := &exchange{name: "burst", method: http.MethodGet, path: unknown,
			expect: []int{http.StatusTooManyRequests}, cond: apierr.CondRateLimited}
		if post != "" {
			x.method, x.path = http.MethodPost, post
			x.header, x.body = hdr("Content-Type", "application/json"), jsonBody(`{"apierr_probe": [1, 2,`)
		}
		s = append(s, step{"burst", func(ctx context.Context, p *prober) { p.burst(ctx, authed(x)) }})
	}
	return s
}

// exchange sends x and checks the answer.
func (p *prober) exchange(ctx context.Context, x *exchange) *response {
	r, err := p.send(ctx, x)
	if err != nil {
		p.report.add(Result{Check: CheckResponse, Request: x.name, Method: x.method, Path: x.sent,
			Result: Fail, Why: transportWhy(err)})
		return nil
	}
	p.checkResponse(ctx, x, r)
	return r
}

func (p *prober) checkResponse(ctx context.Context, x *exchange, r *response) {
	if r.readErr != nil {
		p.row(x, r, CheckResponse, Fail, "body cut short: "+transportWhy(r.readErr))
	}
	p.checkStatus(x, r)
	if r.status >= 400 {
		p.checkError(ctx, x, r)
	}
	if x.op != "" {
		p.checkDeclared(x, r)
	}
	p.checkLeaks(x, r)
}

// send performs one exchange, bounded in time and in how much body is read.
func (p *prober) send(ctx context.Context, x *exchange) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.RequestTimeout)
	defer cancel()
	u := p.url(x.path)
	x.sent = u.RequestURI()
	var body io.Reader
	var n int64
	if x.body != nil {
		body, n = x.body()
	}
	req, err := http.NewRequestWithContext(ctx, x.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = n
	}
	for k, v := range x.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := &response{status: resp.StatusCode, header: resp.Header}
	r.body, r.readErr = io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBody+1))
	if int64(len(r.body)) > p.cfg.MaxBody {
		r.body, r.truncated = r.body[:p.cfg.MaxBody], true
	}
	if resp.StatusCode >= 400 {
		r.err = p.decode(resp, r.body)
	}
	return r, nil
}

func (p *prober) row(x *exchange, r *response, check string, o Outcome, why string) {
	res := Result{Check: check, Request: x.name, Method: x.method, Path: x.sent, Result: o, Why: why}
	if r != nil {
		res.Status = r.status
	}
	p.report.add(res)
}

// burst sends up to Burst requests, four at a time, until one is answered
// 429, and checks that answer.
func (p *prober) burst(parent context.Context, x *exchange) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		mu       sync.Mutex
		sent     int
		limited  *response
		lastErr  error
		statuses = map[int]int{}
		wg       sync.WaitGroup
	)
	next := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if limited != nil || sent >= p.cfg.Burst || ctx.Err() != nil {
			return false
		}
		sent++
		return true
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next() {
				cp := *x
				r, err := p.send(ctx, &cp)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						lastErr = err
					}
				} else {
					statuses[r.status]++
					if r.status == p.expected(x)[0] && limited == nil {
						limited = r
						x.sent = cp.sent
						cancel()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if limited == nil {
		why := fmt.Sprintf("no %d after %d requests (statuses %v)", p.expected(x)[0], sent, statuses)
		if lastErr != nil {
			why += "; last error: " + transportWhy(lastErr)
		}
		p.report.add(Result{Check: CheckStatus, Request: x.name, Method: x.method, Path: x.sent, Result: Fail, Why: why})
		return
	}
	x.what = fmt.Sprintf("a burst (limited after %d requests)", sent)
	p.checkResponse(parent, x, limited)
}

// idempotency sends two POSTs with one Idempotency-Key and different bodies;
// the second must be refused, and not merely refused the way the first was.
func (p *prober) idempotency(ctx context.Context, authed func(*exchange) *exchange) {
	k := "apierr-probe-" + randomHex(12)
	first := authed(&exchange{name: "idempotency_first", method: http.MethodPost, path: p.cfg.PostPath,
		header: http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {k}},
		body:   func() (io.Reader, int64) { return bytes.NewReader(p.cfg.Data), int64(len(p.cfg.Data)) }})
	r1, err := p.send(ctx, first)
	if err != nil {
		p.report.add(Result{Check: CheckResponse, Request: first.name, Method: first.method, Path: first.sent,
			Result: Fail, Why: transportWhy(err)})
		return
	}
	if r1.status >= 500 {
		p.row(first, r1, CheckStatus, Fail, fmt.Sprintf("%d for the first request of the pair", r1.status))
	} else {
		p.row(first, r1, CheckStatus, Pass, fmt.Sprintf("%d for the first request of the pair", r1.status))
	}
	if r1.status >= 400 {
		p.checkError(ctx, first, r1)
	}
	p.checkLeaks(first, r1)

	other := changedBody(p.cfg.Data)
	second := authed(&exchange{name: "idempotency_reuse", method: http.MethodPost, path: p.cfg.PostPath,
		header: http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {k}},
		body:   func() (io.Reader, int64) { return bytes.NewReader(other), int64(len(other)) },
		expect: []int{http.StatusConflict, http.StatusUnprocessableEntity},
		what:   "an Idempotency-Key reused with another body"})
	r2 := p.exchange(ctx, second)
	if r2 == nil {
		return
	}
	switch {
	case r2.status != http.StatusConflict && r2.status != http.StatusUnprocessableEntity:
		// checkStatus already failed it.
	case r1.status >= 400 && r1.status == r2.status && r1.err != nil && r2.err != nil && r1.err.Code == r2.err.Code:
		p.row(second, r2, CheckIdempotency, Skip, fmt.Sprintf("inconclusive: both requests got %d %s, so the key may never have been stored; pass --data with a body the route accepts", r2.status, r2.err.Code))
	default:
		code := ""
		if r2.err != nil {
			code = r2.err.Code
		}
		p.row(second, r2, CheckIdempotency, Pass, fmt.Sprintf("refused with %d %s", r2.status, code))
	}
}

// changedBody returns data with one more member, or a fresh object when data
// is not a JSON object.
func changedBody(data []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil || m == nil {
		m = map[string]json.RawMessage{}
	}
	m["apierr_probe"] = json.RawMessage(`"` + randomHex(4) + `"`)
	b, _ := json.Marshal(m)
	return b
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func jsonValid(b []byte) bool { return json.Valid(b) }
