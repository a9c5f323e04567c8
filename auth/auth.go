package auth

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	"github.com/apierr/apierr/ratelimit"
)

// Authenticator verifies bearer tokens (e.g. OIDC JWTs). Implementations
// must be safe for concurrent use.
type Authenticator interface {
	// Authenticate returns the principal, or an *apierr.Error (condition
	// CondAuthInvalid / CondAuthMalformed / CondUnavailable, with context
	// "reason" and any WWW-Authenticate header set via WithHeader).
	Authenticate(ctx context.Context, token string) (*apierr.Principal, error)
}

// Config configures New. Its zero value rejects every request (no key
// is known); set Keys, Tokens or both.
type Config struct {
	// Keys resolves API keys sent as Authorization: Bearer <key> or in the
	// API-key header. Nil: no key is valid.
	Keys KeyStore
	// Tokens, when set, verifies bearer values that LooksLikeJWT; other
	// values still go to Keys. Only Authorization carries tokens.
	Tokens Authenticator
	// TenantActive, when set, is asked about every authenticated principal;
	// false yields CondTenantInactive (403), an error CondUnavailable (503
	// with Retry-After).
	TenantActive func(ctx context.Context, p *apierr.Principal) (bool, error)
	// Prefixes maps key prefixes to environments, e.g. {"fx_test_": "test",
	// "fx_live_": "live"}. They only shape hints: a rejected key with an
	// unknown prefix is told which prefixes exist.
	Prefixes map[string]string
	// Environment is this deployment's environment. When set, a key whose
	// prefix names another environment is rejected with a hint saying so,
	// before the store is asked. Empty: keys of any environment are looked up.
	Environment string
	// Realm is the realm of WWW-Authenticate challenges (default "api").
	Realm string
	// Header is the API-key header (default "X-API-Key"). "-" reads no
	// API-key header: keys come in Authorization: Bearer only, and a request
	// that sends one in a usual key header (X-API-Key, Api-Key, X-Auth-Token)
	// is told so (CondAuthMissing with context "hint" naming the header; the
	// key itself is never echoed).
	Header string
	// Optional lets requests without credentials through with no principal;
	// credentials that are present must still be valid.
	Optional bool
	// Throttle, when set, limits failed authentications: each request
	// refused for its credentials (CondAuthMalformed, CondAuthInvalid,
	// CondTokenInvalid or another 401) is charged to the Throttle's key,
	// and while the charges have used its policies up, every request from
	// that key that carries a credential is refused with the rate-limited
	// condition (429, Retry-After, the RateLimit fields) before the
	// credential is looked at, valid or not: were valid keys let through,
	// an attacker would still learn which guess is right at full speed.
	// Requests without credentials are answered as usual. Clients behind
	// one address (a NAT, a corporate proxy not in Trusted) share its
	// budget, so one of them guessing keys locks the others out until the
	// policy's window passes: size the limit for the busiest shared address.
	//
	// Key it by client address: ratelimit.Config's ClientIP (its Trusted
	// proxies' X-Forwarded-For or Forwarded believed, no one else's; the
	// key is built without an allocation, where Key: c.Key makes one); give
	// it a store of its own or a Prefix of its own, a Redis store to count
	// across processes, and FailLocal to keep throttling when Redis is
	// down. Each request with a credential costs one peek at the store.
	Throttle *ratelimit.Limiter
	// FailurePolicy says what a failure of Keys or TenantActive does:
	// authentication always fails closed (a 503, CondUnavailable, with
	// UnavailableRetryAfter, default DefaultRetryAfter), so its Mode must be
	// apierr.FailDefault or apierr.FailClosed (FailLocal means closed too;
	// New panics on FailOpen: letting an unauthenticated caller in is never
	// the safe side). The failure is logged on Logger (default
	// slog.Default() when New runs) with the credential cut out of its
	// text, and OnError hears of it.
	apierr.FailurePolicy
}

// DefaultRetryAfter is the Retry-After of the 503 New answers when
// Config.UnavailableRetryAfter is zero.
const DefaultRetryAfter = 5 * time.Second

// New returns a middleware that authenticates every request with an API
// key or a bearer token and records the caller in the request's apierr.State
// (State.SetPrincipal; read it with apierr.PrincipalFrom). It answers, as
// catalog errors:
//
//   - CondAuthMissing (401): no Authorization and no API-key header;
//   - CondAuthMalformed (401): a header that is not a usable Bearer value
//     (other scheme, empty, characters a key never has, several different
//     credentials), with context "reason";
//   - CondAuthInvalid (401): an unknown or revoked key, with context "hint"
//     when the key had surrounding whitespace or belongs to another
//     environment;
//   - CondTenantInactive (403) when TenantActive says so;
//   - CondUnavailable (503, Retry-After) when Keys or TenantActive fails;
//     the failure is logged with the key cut out of its text;
//   - CondRateLimited (429, Retry-After) while the Throttle refuses the
//     client after too many failed attempts.
//
// Each 401 carries an RFC 6750 challenge (WWW-Authenticate: Bearer realm=…,
// error="invalid_token"). The key is never echoed in a body, header or log.
func New(cfg Config) func(http.Handler) http.Handler {
	a := newAuthenticator(cfg)
	conds := a.raises()
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			apierr.StateFrom(r.Context()).RecordRoute(r)
			p, err := a.authenticate(r)
			if err != nil {
				apierr.Write(w, r, err)
				return
			}
			if p != nil {
				var st *apierr.State
				st, r = stateFor(r)
				st.SetPrincipal(p)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// raises lists the conditions New's handler may answer with under cfg.
func (a *authenticator) raises() []apierr.Condition {
	conds := []apierr.Condition{apierr.CondAuthMalformed, apierr.CondAuthInvalid}
	if !a.cfg.Optional {
		conds = append([]apierr.Condition{apierr.CondAuthMissing}, conds...)
	}
	if a.cfg.Tokens != nil {
		conds = append(conds, apierr.CondTokenInvalid)
	}
	if a.cfg.TenantActive != nil {
		conds = append(conds, apierr.CondTenantInactive)
	}
	if a.cfg.Keys != nil || a.cfg.Tokens != nil || a.cfg.TenantActive != nil {
		conds = append(conds, apierr.CondUnavailable)
	}
	if a.cfg.Throttle != nil {
		conds = append(conds, apierr.CondRateLimited)
	}
	return conds
}

type authenticator struct {
	cfg                            Config
	header                         string
	challenge, invalid, invalidReq string
	prefixes                       []string // sorted, longest first for matching
	prefixList                     string   // "fx_live_ or fx_test_"
}

func newAuthenticator(cfg Config) *authenticator {
	realm := cfg.Realm
	if realm == "" {
		realm = "api"
	}
	realm = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, realm)
	if cfg.Mode == apierr.FailOpen {
		panic("auth: FailOpen would let unauthenticated callers in; authentication fails closed")
	}
	cfg.FailurePolicy = cfg.FailurePolicy.Resolve(apierr.FailClosed, DefaultRetryAfter)
	cfg.Mode = apierr.FailClosed
	a := &authenticator{cfg: cfg, header: http.CanonicalHeaderKey(cfg.Header)}
	switch cfg.Header {
	case "":
		a.header = "X-Api-Key"
	case "-":
		a.header = "" // Authorization only
	}
	a.challenge = `Bearer realm="` + realm + `"`
	a.invalid = a.challenge + `, error="invalid_token"`
	a.invalidReq = a.challenge + `, error="invalid_request"`
	for p := range cfg.Prefixes {
		a.prefixes = append(a.prefixes, p)
	}
	sort.Strings(a.prefixes)
	a.prefixList = joinOr(a.prefixes)
	sort.SliceStable(a.prefixes, func(i, j int) bool { return len(a.prefixes[i]) > len(a.prefixes[j]) })
	return a
}

// usualKeyHeaders are the headers other APIs take keys in.
var usualKeyHeaders = []string{"X-Api-Key", "Api-Key", "X-Auth-Token", "X-Api-Token", "Apikey"}

// usualKeyHeader names the usual key header h carries, or "".
func usualKeyHeader(h http.Header) string {
	for _, name := range usualKeyHeaders {
		if len(h[name]) > 0 {
			if name == "X-Api-Key" {
				return "X-API-Key"
			}
			return name
		}
	}
	return ""
}

func joinOr(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// authenticate returns the principal, nil for an anonymous request when auth
// is optional, or the error to render.
func (a *authenticator) authenticate(r *http.Request) (*apierr.Principal, error) {
	c := parseCredential(r.Header["Authorization"], r.Header[a.header])
	switch c.fault {
	case credMissing:
		if a.cfg.Optional {
			return nil, nil
		}
		e := apierr.Cond(apierr.CondAuthMissing).WithHeader("WWW-Authenticate", a.challenge)
		if a.header == "" {
			if h := usualKeyHeader(r.Header); h != "" {
				e = e.With("hint", "This API reads the key from the Authorization header only: send Authorization: Bearer followed by the key, not "+h+".")
			}
		}
		return nil, e
	}
	if a.cfg.Throttle != nil {
		if err := a.cfg.Throttle.CheckRequest(r); err != nil {
			return nil, err
		}
		p, err := a.verify(r, c)
		if err != nil && a.isFailure(r, err) {
			if e := a.cfg.Throttle.ChargeRequest(r); ratelimit.IsRateLimited(e) {
				return nil, e
			}
		}
		return p, err
	}
	return a.verify(r, c)
}

// isFailure reports whether err refuses the request's credential: the
// malformed, invalid and token-invalid conditions, or a catalog code of
// status 401 from the Tokens Authenticator. A valid key of an inactive
// tenant is no failed guess, whatever status its catalog gives it.
func (a *authenticator) isFailure(r *http.Request, err error) bool {
	e := apierr.From(err)
	switch e.Condition {
	case apierr.CondAuthMalformed, apierr.CondAuthInvalid, apierr.CondTokenInvalid:
		return true
	case "":
	default:
		return false
	}
	if e.Status != 0 {
		return e.Status == http.StatusUnauthorized
	}
	code := apierr.CatalogFrom(r.Context()).Lookup(e.Code)
	return code != nil && code.Status == http.StatusUnauthorized
}

// verify checks a credential that is present.
func (a *authenticator) verify(r *http.Request, c credential) (*apierr.Principal, error) {
	switch c.fault {
	case credMalformed:
		challenge := a.invalid
		switch {
		case c.twice:
			challenge = a.invalidReq
		case c.otherScheme:
			// RFC 6750 §3.1: a request that used another scheme carried no
			// Bearer credential, so the challenge names no error code.
			challenge = a.challenge
		}
		return nil, apierr.Cond(apierr.CondAuthMalformed).With("reason", c.reason).WithHeader("WWW-Authenticate", challenge)
	case credWhitespace:
		return nil, a.invalidErr("The API key has whitespace around it (often a trailing newline or space copied with it); send the key alone.")
	}
	ctx := r.Context()
	var p *apierr.Principal
	method := "api_key"
	if c.bearer && a.cfg.Tokens != nil && LooksLikeJWT(c.value) {
		method = "token"
		var err error
		p, err = a.cfg.Tokens.Authenticate(ctx, c.value)
		if err != nil {
			return nil, a.tokenErr(err, c.value)
		}
		if p == nil {
			return nil, a.invalidErr("")
		}
	} else {
		if hint := a.otherEnvironment(c.value); hint != "" {
			return nil, a.invalidErr(hint)
		}
		if a.cfg.Keys == nil {
			return nil, a.invalidErr(a.unknownPrefixHint(c.value))
		}
		var err error
		p, err = a.cfg.Keys.Lookup(ctx, c.value)
		switch {
		case errors.Is(err, ErrUnknownKey) || (err == nil && p == nil):
			return nil, a.invalidErr(a.unknownPrefixHint(c.value))
		case err != nil:
			return nil, a.unavailableRedacted(ctx, err, c.value)
		}
	}
	if p.Method == "" {
		cp := *p
		cp.Method = method
		p = &cp
	}
	if a.cfg.TenantActive != nil {
		ok, err := a.cfg.TenantActive(ctx, p)
		if err != nil {
			return nil, a.unavailableRedacted(ctx, err, c.value)
		}
		if !ok {
			e := apierr.Cond(apierr.CondTenantInactive)
			// A catalog may make this a 401 (seed 001 does); every 401 carries a challenge.
			if apierr.CatalogFrom(ctx).StatusOf(apierr.CondTenantInactive) == http.StatusUnauthorized {
				e.WithHeader("WWW-Authenticate", a.invalid)
			}
			return nil, e
		}
	}
	return p, nil
}

// redactedError is a store's error with the credential cut out of its text:
// the cause of a 503 is logged, and a store may have put the key in it.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err with secret cut out of its text, and whether it was
// there.
func redact(err error, secret string) (error, bool) {
	msg := err.Error()
	if secret == "" || !strings.Contains(msg, secret) {
		return err, false
	}
	return &redactedError{err: err, msg: strings.ReplaceAll(msg, secret, "[REDACTED]")}, true
}

// unavailableRedacted is the 503 of a failing key store or tenant check,
// the key cut out of its cause (logged by the failure policy and the
// runtime, never sent).
func (a *authenticator) unavailableRedacted(ctx context.Context, err error, key string) *apierr.Error {
	r, _ := redact(err, key)
	return a.cfg.Fail(ctx, "auth", r)
}

func (a *authenticator) invalidErr(hint string) *apierr.Error {
	e := apierr.Cond(apierr.CondAuthInvalid).WithHeader("WWW-Authenticate", a.invalid)
	if hint != "" {
		e.With("hint", hint)
	}
	return e
}

// tokenErr passes the Authenticator's error on, adding a challenge to a 401
// that has none and cutting the token out of its logged cause. The error is
// copied before either change: an Authenticator may return a shared one.
func (a *authenticator) tokenErr(err error, token string) *apierr.Error {
	e := apierr.From(err)
	if cause := e.Cause(); cause != nil {
		if r, ok := redact(cause, token); ok {
			cp := *e
			e = cp.WithCause(r)
		}
	}
	switch e.Condition {
	case apierr.CondAuthInvalid, apierr.CondAuthMalformed, apierr.CondAuthMissing, apierr.CondTokenInvalid:
	default:
		if e.Code != "" || e.Condition != "" {
			return e
		}
	}
	if e.Header.Get("WWW-Authenticate") != "" {
		return e
	}
	cp := *e
	cp.Header = e.Header.Clone()
	if cp.Header == nil {
		cp.Header = make(http.Header, 1)
	}
	cp.Header.Set("WWW-Authenticate", a.invalid)
	return &cp
}

// prefixOf returns the configured prefix key starts with, or "".
func (a *authenticator) prefixOf(key string) string {
	for _, p := range a.prefixes {
		if strings.HasPrefix(key, p) {
			return p
		}
	}
	return ""
}

// otherEnvironment returns a hint when key's prefix names an environment
// other than this deployment's.
func (a *authenticator) otherEnvironment(key string) string {
	if a.cfg.Environment == "" {
		return ""
	}
	p := a.prefixOf(key)
	if p == "" {
		return ""
	}
	env := a.cfg.Prefixes[p]
	if env == a.cfg.Environment {
		return ""
	}
	var own []string
	for _, q := range a.prefixes {
		if a.cfg.Prefixes[q] == a.cfg.Environment {
			own = append(own, q)
		}
	}
	sort.Strings(own)
	hint := "This is a " + env + " key (" + p + "…); this endpoint takes " + a.cfg.Environment + " keys"
	if len(own) > 0 {
		hint += " (" + joinOr(own) + "…)"
	}
	return hint + "."
}

// unknownPrefixHint tells the caller which prefixes keys have when the
// rejected key has none of them.
func (a *authenticator) unknownPrefixHint(key string) string {
	if len(a.prefixes) == 0 || a.prefixOf(key) != "" {
		return ""
	}
	return "API keys start with " + a.prefixList + "."
}

// stateFor returns the request's State, creating one (default catalog, new
// request ID) for a request that did not pass through Stack.
func stateFor(r *http.Request) (*apierr.State, *http.Request) {
	if st := apierr.StateFrom(r.Context()); st != nil {
		return st, r
	}
	st := apierr.NewState(apierr.Default(), middleware.NewRequestID())
	return st, r.WithContext(apierr.NewContext(r.Context(), st))
}

// RequireScope returns a middleware that lets a request through only when
// its principal has every scope: CondAuthMissing (401) without a principal,
// CondForbidden (403, context "required_scope", an RFC 6750
// insufficient_scope challenge) when one is lacking.
func RequireScope(scopes ...string) func(http.Handler) http.Handler {
	challenge := `Bearer error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	conds := []apierr.Condition{apierr.CondAuthMissing, apierr.CondForbidden}
	return func(next http.Handler) http.Handler {
		return apierr.RaisingHandler(next, conds, func(w http.ResponseWriter, r *http.Request) {
			apierr.StateFrom(r.Context()).RecordRoute(r)
			p := apierr.PrincipalFrom(r.Context())
			if p == nil {
				apierr.Write(w, r, apierr.Cond(apierr.CondAuthMissing).WithHeader("WWW-Authenticate", "Bearer"))
				return
			}
			for _, s := range scopes {
				if !p.HasScope(s) {
					apierr.Write(w, r, apierr.Cond(apierr.CondForbidden).With("required_scope", s).
						WithHeader("WWW-Authenticate", challenge))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
