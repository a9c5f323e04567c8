package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
)

// response is what came back for one exchange, read and bounded.
type response struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
	readErr   error
	err       *apierr.Error // decoded, nil for 2xx or when nothing decoded
}

// requestIDHeaders are looked at, in order, when no catalog names the header.
var requestIDHeaders = []string{"X-Request-ID", "Request-Id", "X-Request-Id", "X-Correlation-ID", "X-Amzn-RequestId", "X-Trace-ID"}

// checkStatus says whether the status fits the case.
func (p *prober) checkStatus(x *exchange, r *response) {
	got := r.status
	expect := p.expected(x)
	switch {
	case slices.Contains(expect, got):
		why := fmt.Sprintf("%d, as expected for %s", got, x.what)
		if got != x.expect[0] && got == expect[0] {
			why = fmt.Sprintf("%d, the catalog's status for %s (%s), for %s", got, x.cond, p.cfg.Catalog.ForCondition(x.cond).ID, x.what)
		}
		p.row(x, r, CheckStatus, Pass, why)
	case got >= 300 && got < 400:
		p.row(x, r, CheckStatus, Fail, fmt.Sprintf("%d redirect to %q (not followed): expected %s for %s",
			got, r.header.Get("Location"), statusList(expect), x.what))
	case got == http.StatusUnauthorized && !x.authed && !slices.Contains(expect, 401):
		p.row(x, r, CheckStatus, Skip, fmt.Sprintf("401: the API asks for credentials first; pass --key to check %s", x.what))
	case x.guessed && (got < 300 || got == http.StatusNotFound):
		p.row(x, r, CheckStatus, Skip, fmt.Sprintf("%d: BASE_URL does not ask for credentials; pass --post PATH to name a route that does", got))
	case x.lenient != "" && got < 500:
		p.row(x, r, CheckStatus, Pass, fmt.Sprintf("%d: %s", got, x.lenient))
	default:
		p.row(x, r, CheckStatus, Fail, fmt.Sprintf("%d, expected %s for %s", got, statusList(expect), x.what))
	}
}

// expected returns the statuses that fit x: its own, with the first replaced
// by the status the catalog binds to x's condition (the catalog is the
// contract: seed 000 answers a wrong content type with 400, not 415).
func (p *prober) expected(x *exchange) []int {
	cat := p.cfg.Catalog
	if cat == nil || x.cond == "" || len(x.expect) == 0 {
		return x.expect
	}
	c := cat.ForCondition(x.cond)
	if c == nil || c.Fallback || c.Status == x.expect[0] {
		return x.expect
	}
	out := append([]int{c.Status}, x.expect[1:]...)
	return out
}

func statusList(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.Itoa(v)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// checkError runs the checks every error response must pass.
func (p *prober) checkError(ctx context.Context, x *exchange, r *response) {
	p.checkContentType(x, r)
	p.checkDecodes(x, r)
	p.checkCodeInCatalog(x, r)
	p.checkDocs(ctx, x, r, r.err)
	p.checkRequestID(x, r, r.err)
	switch r.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		p.checkRetryAfter(x, r)
	case http.StatusUnauthorized:
		p.checkWWWAuthenticate(x, r)
	case http.StatusMethodNotAllowed:
		p.checkAllow(x, r)
	}
}

// checkContentType wants a JSON media type.
func (p *prober) checkContentType(x *exchange, r *response) {
	ct := r.header.Get("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		p.row(x, r, CheckContentType, Fail, "no Content-Type header")
	case perr != nil:
		p.row(x, r, CheckContentType, Fail, fmt.Sprintf("unparsable Content-Type %q", ct))
	case mt == "application/json" || mt == "application/problem+json" || strings.HasSuffix(mt, "+json"):
		p.row(x, r, CheckContentType, Pass, mt)
	default:
		p.row(x, r, CheckContentType, Fail, fmt.Sprintf("%s is not JSON", mt))
	}
}

// checkDecodes wants a JSON body that names an error code.
func (p *prober) checkDecodes(x *exchange, r *response) {
	switch e := r.err; {
	case len(bytes.TrimSpace(r.body)) == 0:
		p.row(x, r, CheckDecodes, Fail, "empty body")
	case r.truncated:
		p.row(x, r, CheckDecodes, Fail, fmt.Sprintf("body larger than %d bytes (read no further)", p.cfg.MaxBody))
	case !jsonValid(r.body):
		p.row(x, r, CheckDecodes, Fail, "body is not JSON: "+preview(r.body))
	case e == nil || e.Code == "":
		p.row(x, r, CheckDecodes, Fail, "no error code in the body: "+preview(r.body))
	default:
		p.row(x, r, CheckDecodes, Pass, fmt.Sprintf("code %q", e.Code))
	}
}

// checkCodeInCatalog wants the code in the catalog, with its status.
func (p *prober) checkCodeInCatalog(x *exchange, r *response) {
	cat := p.cfg.Catalog
	if cat == nil || r.err == nil || r.err.Code == "" {
		return
	}
	code := r.err.Code
	switch c := cat.Lookup(code); {
	case c == nil:
		p.row(x, r, CheckCodeInCatalog, Fail, fmt.Sprintf("code %q is not in the catalog", code))
	case c.Status != r.status:
		p.row(x, r, CheckCodeInCatalog, Fail, fmt.Sprintf("code %q has status %d in the catalog, came with %d", code, c.Status, r.status))
	case c.Fallback:
		p.row(x, r, CheckCodeInCatalog, Pass, fmt.Sprintf("%q is the default catalog's code for %s (the catalog binds none)", code, c.Condition))
	default:
		p.row(x, r, CheckCodeInCatalog, Pass, fmt.Sprintf("%q, status %d", code, c.Status))
	}
}

// checkRetryAfter wants a Retry-After on a 429 or 503 that agrees with the
// body's, when the body carries one. The header is parsed as the client
// parses it (client.ParseRetryAfter).
func (p *prober) checkRetryAfter(x *exchange, r *response) {
	e := r.err
	v := r.header.Get("Retry-After")
	switch d, ok := client.ParseRetryAfter(v, time.Now()); {
	case v == "":
		p.row(x, r, CheckRetryAfter, Fail, fmt.Sprintf("%d without a Retry-After header", r.status))
	case !ok:
		p.row(x, r, CheckRetryAfter, Fail, fmt.Sprintf("Retry-After %q is neither seconds nor an HTTP date", v))
	case e != nil && e.RetryAfter > 0 && e.RetryAfterSeconds() != int64((d+time.Second-1)/time.Second) && isSeconds(v):
		p.row(x, r, CheckRetryAfter, Fail, fmt.Sprintf("Retry-After %s but the body says %ds", v, e.RetryAfterSeconds()))
	default:
		p.row(x, r, CheckRetryAfter, Pass, "Retry-After: "+v)
	}
}

// checkWWWAuthenticate wants a challenge on a 401.
func (p *prober) checkWWWAuthenticate(x *exchange, r *response) {
	v := r.header.Get("WWW-Authenticate")
	if scheme, _, _ := strings.Cut(strings.TrimSpace(v), " "); v == "" || !isToken(strings.TrimSuffix(scheme, ",")) {
		p.row(x, r, CheckWWWAuthenticate, Fail, "401 without a WWW-Authenticate challenge")
	} else {
		p.row(x, r, CheckWWWAuthenticate, Pass, "WWW-Authenticate: "+v)
	}
}

// checkAllow wants a 405's Allow to list the route's method.
func (p *prober) checkAllow(x *exchange, r *response) {
	v := strings.Join(r.header.Values("Allow"), ", ")
	switch {
	case v == "":
		p.row(x, r, CheckAllow, Fail, "405 without an Allow header")
	case x.allow != "" && !listHas(v, x.allow):
		p.row(x, r, CheckAllow, Fail, fmt.Sprintf("Allow: %s does not list %s, the route's method", v, x.allow))
	default:
		p.row(x, r, CheckAllow, Pass, "Allow: "+v)
	}
}

// checkLeaks runs on every body, success or not.
func (p *prober) checkLeaks(x *exchange, r *response) {
	raw, text := bodyText(r.body, x.path)
	lower := strings.ToLower(text)
	none := "none found"
	if len(r.body) > leakScanMax {
		none = fmt.Sprintf("none found in the first %d KiB", leakScanMax>>10)
	}
	if what := scanLeaks(text, lower, stackLeaks); what != "" {
		p.row(x, r, CheckNoStackTrace, Fail, "the body holds "+what)
	} else {
		p.row(x, r, CheckNoStackTrace, Pass, none)
	}
	if what := scanLeaks(text, lower, pathLeaks); what != "" {
		p.row(x, r, CheckNoFilePath, Fail, "the body holds "+what)
	} else {
		p.row(x, r, CheckNoFilePath, Pass, none)
	}
	if what := scanLeaks(text, lower, sqlLeaks); what != "" {
		p.row(x, r, CheckNoSQL, Fail, "the body holds "+what)
	} else {
		p.row(x, r, CheckNoSQL, Pass, none)
	}
	if len(x.secrets) == 0 {
		return
	}
	for _, s := range x.secrets {
		if strings.Contains(raw, s.value) || strings.Contains(text, s.value) {
			// Never print the secret itself: the report ends up in CI logs.
			p.row(x, r, CheckNoEchoedKey, Fail, "the body echoes "+s.what)
			return
		}
	}
	p.row(x, r, CheckNoEchoedKey, Pass, "no credential sent comes back")
}

func (p *prober) checkRequestID(x *exchange, r *response, e *apierr.Error) {
	names := requestIDHeaders
	if p.cfg.Catalog != nil {
		names = []string{p.cfg.Catalog.RequestIDHeader()}
	}
	var hname, hval string
	for _, n := range names {
		if v := r.header.Get(n); v != "" {
			hname, hval = n, v
			break
		}
	}
	body := ""
	if e != nil {
		body = e.RequestID
	}
	switch {
	case hval == "" && body == "":
		p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("no request ID (no %s header, none in the body)", strings.Join(names, "/")))
	case hval == "":
		p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("request ID %q in the body but no %s header", body, strings.Join(names, "/")))
	case body == "" && !p.bodyCarries(r.header.Get("Content-Type")).requestID:
		if p.requestIDs[hval] != "" {
			p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("%s: %s came with %s already: a request ID must name one request", hname, hval, p.requestIDs[hval]))
			break
		}
		p.requestIDs[hval] = x.name
		p.row(x, r, CheckRequestID, Pass, fmt.Sprintf("%s: %s (the catalog's format has no member for it in the body)", hname, hval))
	case body == "":
		p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("%s: %s but no request ID in the body", hname, hval))
	case body != hval:
		p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("%s: %s but the body says %q", hname, hval, body))
	case p.requestIDs[hval] != "":
		p.row(x, r, CheckRequestID, Fail, fmt.Sprintf("%s: %s came with %s already: a request ID must name one request", hname, hval, p.requestIDs[hval]))
	default:
		p.requestIDs[hval] = x.name
		p.row(x, r, CheckRequestID, Pass, fmt.Sprintf("%s: %s, the same in the body", hname, hval))
	}
}

// docsResult is the outcome of looking a docs URL up, cached per URL.
type docsResult struct {
	outcome Outcome
	why     string
}

func (p *prober) checkDocs(ctx context.Context, x *exchange, r *response, e *apierr.Error) {
	docs := ""
	if e != nil {
		docs = strings.TrimSpace(e.Docs)
	}
	cat := p.cfg.Catalog
	if docs == "" || docs == "about:blank" {
		switch {
		case cat != nil && cat.DocsURL() != "" && !p.bodyCarries(r.header.Get("Content-Type")).docs:
			p.row(x, r, CheckDocsURL, Skip, "the catalog's format has no member for a docs URL")
		case cat != nil && cat.DocsURL() != "" && e != nil && e.Code != "":
			p.row(x, r, CheckDocsURL, Fail, "no docs URL in the body, but the catalog has docs_url")
		default:
			p.row(x, r, CheckDocsURL, Skip, "the body carries no docs URL")
		}
		return
	}
	u, err := url.Parse(docs)
	if err != nil {
		p.row(x, r, CheckDocsURL, Fail, fmt.Sprintf("docs %q is not a URL", docs))
		return
	}
	u = p.base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		p.row(x, r, CheckDocsURL, Fail, fmt.Sprintf("docs %q is not an http(s) URL", docs))
		return
	}
	note := ""
	if cat != nil && e.Code != "" && cat.Lookup(e.Code) != nil {
		// A deployment may serve the docs on its own host (the demo does):
		// the path is the permalink, the host is the deployment's.
		if want := cat.DocsFor(e.Code); want != "" && want != docs && want != u.String() {
			wu, err := url.Parse(want)
			if err != nil || wu.Path != u.Path || wu.Fragment != u.Fragment {
				p.row(x, r, CheckDocsURL, Fail, fmt.Sprintf("docs %s is not the catalog's permalink %s", docs, want))
				return
			}
			note = fmt.Sprintf(" (the catalog's permalink is on %s)", wu.Host)
		}
	}
	if origin(u) != p.origin {
		p.row(x, r, CheckDocsURL, Pass, fmt.Sprintf("%s is well formed; not fetched: %s is not BASE_URL's host (the probe only talks to BASE_URL)%s", docs, u.Host, note))
		return
	}
	key := u.String()
	res, ok := p.docsSeen[key]
	if !ok {
		if len(p.docsSeen) >= maxDocsLookups {
			p.row(x, r, CheckDocsURL, Skip, fmt.Sprintf("%s not fetched: already looked up %d docs URLs", docs, maxDocsLookups))
			return
		}
		res = p.lookupDocs(ctx, key)
		if ctx.Err() == nil {
			p.docsSeen[key] = res
		}
	}
	p.row(x, r, CheckDocsURL, res.outcome, res.why+note)
}

// lookupDocs asks for a docs page with HEAD, then GET (read bounded) when the
// server does not do HEAD.
func (p *prober) lookupDocs(ctx context.Context, u string) docsResult {
	status := 0
	for _, m := range []string{http.MethodHead, http.MethodGet} {
		rctx, cancel := context.WithTimeout(ctx, p.cfg.RequestTimeout)
		req, err := http.NewRequestWithContext(rctx, m, u, nil)
		if err != nil {
			cancel()
			return docsResult{Fail, fmt.Sprintf("docs %s: %v", u, err)}
		}
		req.Header.Set("User-Agent", userAgent)
		resp, err := p.docs.Do(req)
		if err != nil {
			cancel()
			return docsResult{Fail, fmt.Sprintf("docs %s does not resolve: %s", u, transportWhy(err))}
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		status = resp.StatusCode
		if status == http.StatusMethodNotAllowed || status == http.StatusNotImplemented {
			continue
		}
		break
	}
	if status >= 200 && status < 300 {
		return docsResult{Pass, fmt.Sprintf("%s resolves (%d)", u, status)}
	}
	return docsResult{Fail, fmt.Sprintf("docs %s answers %d", u, status)}
}

// isSeconds reports a Retry-After in delay-seconds (not an HTTP date).
func isSeconds(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// isToken reports whether s is an RFC 9110 token (an auth scheme).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// listHas reports whether a comma-separated header list holds v.
func listHas(list, v string) bool {
	for _, part := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(part), v) {
			return true
		}
	}
	return false
}

func preview(b []byte) string {
	const n = 60
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strconv.Quote(s)
}

// transportWhy says why an exchange failed, without Go's URL-quoting noise.
func transportWhy(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, ErrOffHost):
		return err.Error()
	case errors.Is(err, ErrRequestBudget):
		return "not sent: " + err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	}
	return err.Error()
}
