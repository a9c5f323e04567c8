package probe

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/apierr/apierr"
)

// Limits and defaults of a run.
const (
	// MaxBurst caps Config.Burst.
	MaxBurst = 1000
	// DefaultTimeout bounds a whole run when Config.Timeout is zero.
	DefaultTimeout = 2 * time.Minute
	// DefaultRequestTimeout bounds one exchange when Config.RequestTimeout is zero.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultMaxBody is how much of a response body is read when Config.MaxBody is zero.
	DefaultMaxBody = 1 << 20
	// DefaultOversize is the oversized request body when Config.Oversize is
	// zero: above the 13.4 MB a JSON API taking 10 MB files base64-encoded
	// (seed 000) must accept.
	DefaultOversize = 16 << 20
	// DefaultLongHeader is the long header's size when Config.LongHeader is zero.
	DefaultLongHeader = 64 << 10
	// maxDocsLookups caps the docs URLs fetched on BASE_URL's host.
	maxDocsLookups = 32
)

// Config says what to probe and how far to go. The zero value of every field
// but BaseURL works.
type Config struct {
	// BaseURL is the API's root, e.g. https://api.example.com/v1. The probe
	// sends requests to this scheme and host only.
	BaseURL string
	// Catalog, when set, is the API's error catalog: every code must be in it
	// with the status it gives, each case expects the status the catalog
	// binds to its condition, docs URLs must be its permalinks, and the body
	// must carry a docs URL and request ID only if the catalog's format does.
	Catalog *apierr.Catalog
	// Key is a valid API key, sent as "Authorization: Bearer KEY" so that
	// requests get past authentication. Without it the checks that need an
	// authenticated request are skipped.
	Key string
	// PostPath is a POST route relative to BaseURL (e.g. "/fax"); the body,
	// content-type, wrong-method and idempotency requests go there. Without
	// it they are skipped.
	PostPath string
	// Burst, when positive, sends up to Burst requests (at most MaxBurst)
	// until one is answered 429, and checks that answer.
	Burst int
	// Idempotency sends two POSTs to PostPath with the same Idempotency-Key
	// and different bodies and expects the second to be refused (409 or 422).
	// The first may create a resource: it is opt-in.
	Idempotency bool
	// Data is the JSON body of the first idempotency request (default "{}").
	Data []byte
	// Timeout bounds the whole run (default DefaultTimeout).
	Timeout time.Duration
	// RequestTimeout bounds each exchange, body read included
	// (default DefaultRequestTimeout).
	RequestTimeout time.Duration
	// MaxBody is how many bytes of a response body are read (default DefaultMaxBody).
	MaxBody int64
	// Oversize is the size of the oversized request body (default DefaultOversize).
	Oversize int64
	// LongHeader is the size of the long header's value (default DefaultLongHeader).
	LongHeader int
	// Transport, when set, carries the requests (tests use it for TLS
	// servers); the probe still refuses any request off BaseURL's host.
	Transport http.RoundTripper
	// Progress, when set, is called before each step of the battery.
	Progress func(Progress)
	// Operations, when set (ReadOpenAPI reads them from an OpenAPI
	// document), each get the requests that must fail: no credentials
	// (when the operation is secured), a malformed JSON body and a
	// text/plain body (when it reads JSON), an unknown id (when its path
	// has a parameter); each answer's code must be one the operation
	// declares (CheckDeclared). All but the first need Key on a secured
	// operation.
	Operations []Operation
}

// Progress describes the step about to run.
type Progress struct {
	// Step counts from 1 to Steps.
	Step, Steps int
	// Request names the step's request.
	Request string
}

// ConfigError is returned by Run for a configuration it cannot run with,
// such as a BaseURL that is not an absolute http(s) URL.
type ConfigError struct {
	Field, Problem string
}

func (e *ConfigError) Error() string { return "probe: " + e.Field + ": " + e.Problem }

// UnreachableError is returned by Run when nothing answers at BaseURL: the
// connection itself fails (refused, no route, unknown host, a TLS
// handshake that fails), so no check of the contract could be made.
type UnreachableError struct {
	BaseURL string
	Err     error
}

func (e *UnreachableError) Error() string {
	return "probe: cannot reach " + e.BaseURL + ": " + e.Err.Error()
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Run probes cfg.BaseURL with the battery and returns the report. Every
// defect of the API is a failed row of the report, never an error: Run
// returns an error only for a ConfigError, an UnreachableError (nothing
// answers at BaseURL) or when ctx is cancelled.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	p, err := newProber(cfg)
	if err != nil {
		return nil, err
	}
	return p.run(ctx)
}

// prober holds one run's state.
type prober struct {
	cfg      Config
	base     *url.URL
	origin   string
	guard    *guard
	client   *http.Client // no redirects
	docs     *http.Client // same-origin redirects, for docs look-ups
	nonce    string
	fakeKey  string
	basic    string
	report   *Report
	docsSeen map[string]docsResult
	// requestIDs maps each request ID seen to the request it came with.
	requestIDs map[string]string
	// carries caches bodyCarries per media type.
	carries map[string]carried
}

func newProber(cfg Config) (*prober, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	switch {
	case cfg.BaseURL == "":
		return nil, &ConfigError{"BASE_URL", "missing"}
	case err != nil:
		return nil, &ConfigError{"BASE_URL", "not a URL"}
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &ConfigError{"BASE_URL", fmt.Sprintf("%q: scheme must be http or https", cfg.BaseURL)}
	case u.Host == "" || u.Hostname() == "":
		return nil, &ConfigError{"BASE_URL", fmt.Sprintf("%q has no host", cfg.BaseURL)}
	case u.User != nil:
		return nil, &ConfigError{"BASE_URL", "must not carry credentials; use --key"}
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	if cfg.PostPath != "" {
		pu, err := url.Parse(cfg.PostPath)
		if err != nil || pu.IsAbs() || pu.Host != "" {
			return nil, &ConfigError{"post", fmt.Sprintf("%q must be a path relative to BASE_URL", cfg.PostPath)}
		}
	}
	if cfg.Burst < 0 || cfg.Burst > MaxBurst {
		return nil, &ConfigError{"burst", fmt.Sprintf("%d is outside 0..%d", cfg.Burst, MaxBurst)}
	}
	if cfg.Idempotency && cfg.PostPath == "" {
		return nil, &ConfigError{"idempotency", "needs a POST route (--post PATH)"}
	}
	if cfg.Key != "" && strings.ContainsAny(cfg.Key, "\r\n\x00") {
		return nil, &ConfigError{"key", "contains a control character"}
	}
	if cfg.Timeout < 0 || cfg.RequestTimeout < 0 {
		return nil, &ConfigError{"timeout", "must not be negative"}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RequestTimeout > cfg.Timeout {
		cfg.RequestTimeout = cfg.Timeout
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Oversize <= 0 {
		cfg.Oversize = DefaultOversize
	}
	if cfg.LongHeader <= 0 {
		cfg.LongHeader = DefaultLongHeader
	}
	if len(cfg.Data) == 0 {
		cfg.Data = []byte("{}")
	}
	next := cfg.Transport
	if next == nil {
		next = newTransport(cfg.RequestTimeout)
	}
	p := &prober{cfg: cfg, base: u, origin: origin(u), report: &Report{BaseURL: u.String()},
		docsSeen: map[string]docsResult{}, requestIDs: map[string]string{}, carries: map[string]carried{}}
	p.guard = &guard{origin: p.origin, next: next,
		budget: int64(len(battery)) + 3 + int64(cfg.Burst) + maxDocsLookups*2 + int64(min(4*len(cfg.Operations), maxOpenAPIRequests+4))}
	p.client = &http.Client{Transport: p.guard, CheckRedirect: noRedirect}
	p.docs = &http.Client{Transport: p.guard, CheckRedirect: sameOriginRedirects(p.origin)}
	p.nonce = randomHex(6)
	p.fakeKey = fakeKey(cfg.Key)
	p.basic = "Basic " + base64Std("apierr-probe:"+randomHex(12))
	return p, nil
}

func (p *prober) run(parent context.Context) (*Report, error) {
	ctx, cancel := context.WithTimeout(parent, p.cfg.Timeout)
	defer cancel()
	if err := p.reach(ctx); err != nil {
		return nil, err
	}
	steps := p.steps()
	for i, s := range steps {
		if err := parent.Err(); err != nil {
			return nil, err
		}
		if ctx.Err() != nil {
			for _, rest := range steps[i:] {
				p.report.add(Result{Check: CheckResponse, Request: rest.name, Result: Fail,
					Why: fmt.Sprintf("not sent: the overall timeout (%s) ran out", p.cfg.Timeout)})
			}
			break
		}
		if p.cfg.Progress != nil {
			p.cfg.Progress(Progress{Step: i + 1, Steps: len(steps), Request: s.name})
		}
		s.run(ctx, p)
	}
	if err := parent.Err(); err != nil {
		return nil, err
	}
	p.report.Requests = int(p.guard.sent.Load())
	return p.report, nil
}

// reach sends one HEAD to an unknown path under BaseURL: any HTTP answer
// will do; a failure to connect ends the run with an UnreachableError
// instead of a report in which every check fails for the same reason.
func (p *prober) reach(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, p.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodHead, p.url("/apierr-probe-reach-"+p.nonce).String(), nil)
	if err != nil {
		return err
	}
	resp, err := p.client.Do(req)
	if err == nil {
		resp.Body.Close()
		return nil
	}
	if parentErr := ctx.Err(); parentErr != nil {
		return nil // the run's own timeout: the battery reports it
	}
	if connectFailed(err) {
		return &UnreachableError{BaseURL: p.base.String(), Err: unwrapURLError(err)}
	}
	return nil // an answer that failed later (a reset, a bad response) is the battery's to judge
}

// connectFailed reports whether err is a failure to reach the server at all.
func connectFailed(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	switch {
	case errors.As(err, &dns), errors.As(err, &cert), errors.As(err, &rec):
		return true
	case errors.As(err, &op):
		return op.Op == "dial" // a dial timeout too; a server that accepts and stays silent is the battery's to report
	}
	return false
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// url joins rel to the base URL's path.
func (p *prober) url(rel string) *url.URL {
	u := *p.base
	ref, _ := url.Parse(rel)
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(ref.Path, "/")
	u.RawPath = ""
	u.RawQuery = ref.RawQuery
	return &u
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fakeKey looks like the given key (same prefix up to its last underscore or
// hyphen, same length) so that the server looks it up instead of rejecting
// its shape, and matches nothing.
func fakeKey(key string) string {
	key = strings.TrimSpace(key)
	prefix := "apierr_probe_"
	if i := strings.LastIndexAny(key, "_-"); i > 0 && i < len(key)-1 {
		prefix = key[:i+1] + "apierrprobe"
	}
	n := max(len(key), len(prefix)+24)
	s := prefix + randomHex(n)
	return s[:n]
}
