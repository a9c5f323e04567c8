// Package oidcauth verifies bearer JWTs issued by an OpenID Connect provider
// and turns them into the same *apierr.Principal an API key yields, so one
// route accepts either (auth.Config.Tokens).
//
//	v, err := oidcauth.New(oidcauth.Config{
//		Issuer:   "https://login.example.com",
//		Audience: []string{"https://api.example.com"},
//	})
//	...
//	authn := auth.New(auth.Config{Keys: keys, Tokens: v})
//
// The JOSE work — parsing, signature verification, claim validation — is
// go-jose's. This package adds what an API needs around it: discovery and a
// JWKS cache refreshed on an unknown key id (rate-limited), a strict
// algorithm allow-list (never "none", never HMAC, so a public key can never
// be used as an HMAC secret), and one precise, typed failure per cause: each
// becomes CondTokenInvalid with a "reason" in its context and an RFC 6750
// WWW-Authenticate header. An issuer that cannot be reached is 503 with
// Retry-After, not a 401: the client's token may be fine. The token itself is
// never echoed or logged.
package oidcauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/apierr/apierr"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Config configures a Verifier. Issuer and Audience are required; every other
// zero field has the default its comment gives.
type Config struct {
	// Issuer is the OIDC issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration" (a trailing slash
	// removed first). The document must name this issuer, give or take a
	// trailing slash, and a token's iss must equal the issuer exactly as
	// the document spells it (Auth0's "https://x.auth0.com/", slash
	// included).
	Issuer string
	// Audience lists the accepted aud values; a token must carry one of them.
	Audience []string
	// Algorithms are the accepted signature algorithms. Default: RS256,
	// RS384, RS512, PS256, ES256, ES384, EdDSA. "none" and HS* are refused.
	Algorithms []jose.SignatureAlgorithm
	// RequiredClaims must be present in every token (besides iss, aud, exp,
	// which always are).
	RequiredClaims []string
	// TenantClaim names the claim that carries the tenant. Default "tenant".
	// A token without it is refused (missing_claim).
	TenantClaim string
	// ScopeClaim names the claim that carries scopes: a space-separated
	// string or an array. Default "scope" (then "scp").
	ScopeClaim string
	// ClockSkew is the leeway for exp, nbf and iat. Default 30s.
	ClockSkew time.Duration
	// MaxTokenSize bounds a token's length. Default 8 KiB.
	MaxTokenSize int
	// Realm is sent in WWW-Authenticate. Default "api".
	Realm string
	// RefreshInterval is the least time between two JWKS fetches, so a
	// stream of forged kids cannot storm the issuer, up or down: within it,
	// a token that needs a refresh gets the last attempt's answer (its
	// keys, or 503 while the issuer fails). Until a first fetch succeeds,
	// attempts are at most a second apart. Default 5s.
	RefreshInterval time.Duration
	// TokenTypes are the accepted values of the JOSE header typ, compared
	// without case and with any "application/" prefix removed; a token
	// without typ is accepted. Default "JWT" and "at+jwt" (RFC 9068 access
	// tokens), so a logout token ("logout+jwt") or any other JWT the
	// provider signs for another purpose is refused.
	TokenTypes []string
	// KeysTTL is how long fetched keys are trusted before a background-free,
	// on-demand refresh. Default 1h.
	KeysTTL time.Duration
	// UnavailableRetryAfter is the Retry-After sent when the issuer cannot be
	// reached. Default 30s.
	UnavailableRetryAfter time.Duration
	// CacheSize bounds how many verified tokens are remembered (by SHA-256,
	// until they expire) so a token sent on every request is verified once.
	// Default 10000; negative disables the cache. A cached token stays
	// accepted until its exp even if the issuer retires its key meanwhile.
	CacheSize int
	// HTTPClient fetches discovery and keys. Default: a client with a 5s timeout.
	HTTPClient *http.Client
	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// Verifier verifies tokens. It is safe for concurrent use.
type Verifier struct {
	cfg   Config
	keys  *keyCache
	cache *tokenCache
}

// allowed are the asymmetric algorithms a Verifier may accept.
var allowed = map[jose.SignatureAlgorithm]bool{
	jose.RS256: true, jose.RS384: true, jose.RS512: true,
	jose.PS256: true, jose.PS384: true, jose.PS512: true,
	jose.ES256: true, jose.ES384: true, jose.ES512: true, jose.EdDSA: true,
}

var defaultAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.ES256, jose.ES384, jose.EdDSA}

// New returns a Verifier. It does not contact the issuer: discovery happens
// on first use, so an issuer that is down at start-up yields 503s, not a
// process that will not start.
func New(cfg Config) (*Verifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("oidcauth: Config.Issuer is required")
	}
	if len(cfg.Audience) == 0 {
		return nil, errors.New("oidcauth: Config.Audience is required: a token for another API must not be accepted")
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = defaultAlgorithms
	}
	for _, a := range cfg.Algorithms {
		if !allowed[a] {
			return nil, fmt.Errorf("oidcauth: algorithm %q is not allowed: only asymmetric signatures are accepted", a)
		}
	}
	if cfg.TenantClaim == "" {
		cfg.TenantClaim = "tenant"
	}
	if cfg.ScopeClaim == "" {
		cfg.ScopeClaim = "scope"
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = 30 * time.Second
	}
	if cfg.MaxTokenSize == 0 {
		cfg.MaxTokenSize = 8 << 10
	}
	if cfg.Realm == "" {
		cfg.Realm = "api"
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = 5 * time.Second
	}
	if cfg.KeysTTL == 0 {
		cfg.KeysTTL = time.Hour
	}
	if cfg.UnavailableRetryAfter == 0 {
		cfg.UnavailableRetryAfter = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.TokenTypes) == 0 {
		cfg.TokenTypes = []string{"JWT", "at+jwt"}
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 10000
	}
	cfg.Issuer = strings.TrimSuffix(cfg.Issuer, "/")
	return &Verifier{cfg: cfg, keys: newKeyCache(cfg), cache: newTokenCache(cfg.CacheSize)}, nil
}

// Reasons put in the error's context under "reason". They are stable.
const (
	ReasonMalformed      = "malformed_token"
	ReasonTooLarge       = "token_too_large"
	ReasonAlgorithm      = "unsupported_algorithm"
	ReasonBadSignature   = "bad_signature"
	ReasonUnknownKey     = "unknown_key_id"
	ReasonExpired        = "token_expired"
	ReasonNotYetValid    = "token_not_yet_valid"
	ReasonIssuedInFuture = "token_issued_in_future"
	ReasonWrongIssuer    = "wrong_issuer"
	ReasonWrongAudience  = "wrong_audience"
	ReasonMissingClaim   = "missing_claim"
	// ReasonInvalidClaim: a registered claim (exp, nbf, iat, iss, sub,
	// aud, jti) has the wrong JSON type; context "claim" names it.
	ReasonInvalidClaim = "invalid_claim"
	// ReasonCriticalHeader: the header lists in crit an extension this
	// verifier does not understand, so RFC 7515 says refuse the token.
	ReasonCriticalHeader = "unsupported_critical_header"
	// ReasonTokenType: the header's typ is not one of Config.TokenTypes.
	ReasonTokenType         = "wrong_token_type"
	ReasonIssuerUnreachable = "issuer_unreachable"
)

// header is the part of a JOSE header read before verification, to explain
// a refusal precisely. Nothing in it is trusted.
type header struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Typ  json.RawMessage `json:"typ"`
	Crit json.RawMessage `json:"crit"`
}

// Authenticate verifies token and returns its principal, or an *apierr.Error:
// CondTokenInvalid (which catalogs may fold into auth_invalid) with a reason and WWW-Authenticate, for a token that is
// not acceptable, CondUnavailable with Retry-After when the issuer cannot be
// reached.
func (v *Verifier) Authenticate(ctx context.Context, token string) (*apierr.Principal, error) {
	if len(token) > v.cfg.MaxTokenSize {
		return nil, v.invalid(ReasonTooLarge, fmt.Sprintf("The token is longer than %d bytes.", v.cfg.MaxTokenSize))
	}
	sum := tokenSum(token)
	if p, ok := v.cache.get(sum, v.cfg.Now()); ok {
		return p, nil
	}
	h, ok := peekHeader(token)
	if !ok {
		return nil, v.invalid(ReasonMalformed, "The token is not a signed JWT.")
	}
	if err := v.checkHeader(h); err != nil {
		return nil, err
	}
	tok, err := jwt.ParseSigned(token, v.cfg.Algorithms)
	if err != nil {
		return nil, v.invalid(ReasonMalformed, "The token is not a signed JWT.")
	}
	keys, issuer, err := v.keys.lookup(ctx, h.Kid, h.Alg)
	if err != nil {
		if errors.Is(err, errUnknownKey) {
			return nil, v.invalid(ReasonUnknownKey, "The token is signed with a key the issuer does not publish.")
		}
		return nil, apierr.Cond(apierr.CondUnavailable).
			WithRetryAfter(v.cfg.UnavailableRetryAfter).
			With("reason", ReasonIssuerUnreachable).
			WithDetail("The identity provider could not be reached to verify the token.").
			WithCause(err)
	}
	verified := false
	for _, k := range keys {
		if err := tok.Claims(k.Key); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, v.invalid(ReasonBadSignature, "The token's signature is not valid.")
	}
	// Signed by the issuer: now the claims are read, so a claim of the
	// wrong type is named as such rather than taken for a bad signature.
	var claims jwt.Claims
	var extra map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&extra); err != nil || extra == nil {
		return nil, v.invalid(ReasonMalformed, "The token's claims are not a JSON object.")
	}
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		if c := mistypedClaim(extra); c != "" {
			return nil, v.invalid(ReasonInvalidClaim, fmt.Sprintf("The token's %s claim has the wrong type.", c)).With("claim", c)
		}
		return nil, v.invalid(ReasonMalformed, "The token's claims are not valid.")
	}
	if issuer == "" {
		issuer = v.cfg.Issuer
	}
	now := v.cfg.Now()
	if err := v.checkClaims(&claims, issuer, now); err != nil {
		return nil, err
	}
	required := append([]string{v.cfg.TenantClaim}, v.cfg.RequiredClaims...)
	for _, c := range required {
		if val, ok := extra[c]; !ok || val == nil || val == "" {
			return nil, v.invalid(ReasonMissingClaim, fmt.Sprintf("The token has no %s claim.", c)).With("claim", c)
		}
	}
	tenant, _ := extra[v.cfg.TenantClaim].(string)
	if tenant == "" {
		return nil, v.invalid(ReasonMissingClaim, fmt.Sprintf("The token's %s claim is not a string.", v.cfg.TenantClaim)).With("claim", v.cfg.TenantClaim)
	}
	p := &apierr.Principal{
		Tenant:  tenant,
		Subject: claims.Subject,
		Scopes:  scopes(extra, v.cfg.ScopeClaim),
		Method:  "token",
	}
	// Remember it until it expires (the skew allowance included, as above).
	v.cache.put(sum, p, claims.Expiry.Time().Add(v.cfg.ClockSkew), now)
	return p, nil
}

// checkHeader refuses a token whose header names an algorithm, a critical
// extension or a type this verifier does not accept, before any key is
// looked up for it.
func (v *Verifier) checkHeader(h header) error {
	if !v.algAllowed(h.Alg) {
		return v.invalid(ReasonAlgorithm, fmt.Sprintf("Tokens signed with %s are not accepted.", sanitize(h.Alg)))
	}
	if h.Crit != nil {
		// No extension is understood here (go-jose's b64 has no place in a
		// JWT), so any critical one refuses the token, before a key is
		// looked up for it.
		return v.invalid(ReasonCriticalHeader, "The token marks a header extension critical that this API does not support.")
	}
	if typ, ok := v.typeAllowed(h.Typ); !ok {
		return v.invalid(ReasonTokenType, fmt.Sprintf("Tokens of type %s are not accepted here.", sanitize(typ)))
	}
	return nil
}

// checkClaims checks the registered claims of a token whose signature is
// valid: exp and aud present, then time, issuer and audience.
func (v *Verifier) checkClaims(claims *jwt.Claims, issuer string, now time.Time) error {
	if claims.Expiry == nil {
		return v.invalid(ReasonMissingClaim, "The token has no exp claim.").With("claim", "exp")
	}
	if len(claims.Audience) == 0 {
		return v.invalid(ReasonMissingClaim, "The token has no aud claim.").With("claim", "aud")
	}
	err := claims.ValidateWithLeeway(jwt.Expected{Issuer: issuer, AnyAudience: v.cfg.Audience, Time: now}, v.cfg.ClockSkew)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jwt.ErrExpired):
		return v.invalid(ReasonExpired, "The token has expired.").With("expired_at", claims.Expiry.Time().UTC())
	case errors.Is(err, jwt.ErrNotValidYet):
		return v.invalid(ReasonNotYetValid, "The token is not valid yet.").With("not_before", claims.NotBefore.Time().UTC())
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return v.invalid(ReasonIssuedInFuture, "The token was issued in the future.")
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return v.invalid(ReasonWrongIssuer, "The token was issued by another issuer.")
	case errors.Is(err, jwt.ErrInvalidAudience):
		return v.invalid(ReasonWrongAudience, "The token was issued for another audience.")
	default:
		return v.invalid(ReasonMalformed, "The token's claims are not valid.")
	}
}

func (v *Verifier) algAllowed(alg string) bool {
	for _, a := range v.cfg.Algorithms {
		if string(a) == alg {
			return true
		}
	}
	return false
}

// typeAllowed reports whether a header's raw typ (nil when absent) is one
// of Config.TokenTypes, and returns it as text for the refusal.
func (v *Verifier) typeAllowed(raw json.RawMessage) (string, bool) {
	if raw == nil {
		return "", true
	}
	var typ string
	if err := json.Unmarshal(raw, &typ); err != nil {
		return "a non-string typ", false
	}
	bare := typ
	if len(bare) > len("application/") && strings.EqualFold(bare[:len("application/")], "application/") {
		bare = bare[len("application/"):]
	}
	for _, t := range v.cfg.TokenTypes {
		if strings.EqualFold(bare, t) {
			return typ, true
		}
	}
	return typ, false
}

// registeredClaims are the RFC 7519 claims go-jose decodes, with the JSON
// type each must have.
var registeredClaims = []struct{ name, kind string }{
	{"iss", "string"}, {"sub", "string"}, {"jti", "string"},
	{"aud", "audience"}, {"exp", "number"}, {"nbf", "number"}, {"iat", "number"},
}

// mistypedClaim returns the first registered claim in claims whose JSON
// type is wrong, or "".
func mistypedClaim(claims map[string]any) string {
	for _, c := range registeredClaims {
		val, ok := claims[c.name]
		if !ok || val == nil {
			continue
		}
		good := false
		switch c.kind {
		case "string":
			_, good = val.(string)
		case "number":
			_, good = val.(float64)
		case "audience":
			switch a := val.(type) {
			case string:
				good = true
			case []any:
				good = true
				for _, s := range a {
					if _, ok := s.(string); !ok {
						good = false
					}
				}
			}
		}
		if !good {
			return c.name
		}
	}
	return ""
}

// invalid returns the 401 for a refused token, with RFC 6750's
// WWW-Authenticate. desc is ours, never the token's text.
func (v *Verifier) invalid(reason, desc string) *apierr.Error {
	return apierr.Cond(apierr.CondTokenInvalid).
		With("reason", reason).
		WithDetail(desc).
		WithHeader("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="invalid_token", error_description=%q`, v.cfg.Realm, desc))
}

// peekHeader decodes a compact JWS's header without trusting it.
func peekHeader(token string) (header, bool) {
	var h header
	first, rest, ok := strings.Cut(token, ".")
	if !ok || strings.Count(rest, ".") != 1 || first == "" {
		return h, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(first)
	if err != nil || len(raw) > 4096 {
		return h, false
	}
	if err := json.Unmarshal(raw, &h); err != nil || h.Alg == "" {
		return h, false
	}
	return h, true
}

// sanitize keeps an attacker-chosen header value printable and short.
func sanitize(s string) string {
	if len(s) > 16 {
		s = s[:16]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}

func scopes(extra map[string]any, claim string) []string {
	for _, name := range []string{claim, "scp"} {
		switch v := extra[name].(type) {
		case string:
			return strings.Fields(v)
		case []any:
			out := make([]string, 0, len(v))
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, str)
				}
			}
			return out
		}
	}
	return nil
}
