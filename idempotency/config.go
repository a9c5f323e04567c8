package idempotency

import (
	"net/http"
	"strconv"
	"time"

	"github.com/apierr/apierr"
)

// Config configures the middleware. The zero value works: optional keys on
// POST and PATCH, an in-process MemoryStore, callers scoped by tenant, 24 h
// replay window.
type Config struct {
	// Store keeps the records (default: a NewMemoryStore private to this
	// middleware). Share one Redis store (redisstore) across processes.
	Store Store
	// Methods are the methods the middleware applies to (default POST and
	// PATCH); other requests pass straight through. To cover only some
	// routes, wrap only those handlers.
	Methods []string
	// Required makes a request without a key fail with the
	// idempotency_key_missing condition (400). By default the key is
	// optional and a request without one runs as usual.
	Required bool
	// Header is the request header carrying the key (default
	// "Idempotency-Key").
	Header string
	// TTL is how long a completed response is kept for replay (default 24 h).
	TTL time.Duration
	// Lease is how long an in-flight request holds its key without a
	// renewal (default 1 min). While the process holding it lives, the
	// middleware renews the lease every Lease/3 (Store.Renew), through a
	// long handler and through the retries of a failed save; a process that
	// dies mid-request stops renewing, and its keys free when their leases
	// expire. Set it above the longest pause a renewal may see (a stalled
	// store call, a stop-the-world pause).
	Lease time.Duration
	// SaveBackoff is the wait before each retry of a response whose save
	// (Store.Complete) failed (default DefaultSaveBackoff). Retries run in
	// the background, the lease renewed meanwhile, until the save succeeds,
	// the lease is lost or TTL has passed: a retry of the request gets
	// idempotency_key_in_use until then, never a second run.
	SaveBackoff Backoff
	// MaxPendingSaves bounds the responses held for a save retry (default
	// 1024). Beyond it, a failed save is logged and dropped, and its key is
	// left to its lease: a retry after the lease runs again.
	MaxPendingSaves int
	// AfterFunc runs f after d and returns a function that cancels it
	// (default: time.AfterFunc and its Timer's Stop). Lease renewals and
	// save retries are scheduled with it; tests inject one to run them
	// without waiting.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// RetryAfter is the Retry-After sent with idempotency_key_in_use
	// (default 1 s).
	RetryAfter time.Duration
	// MaxBodyBytes caps the request body read to fingerprint it (default
	// 1 MiB). A larger body fails with TooLarge's error.
	MaxBodyBytes int64
	// MinBodyRate is the slowest body the middleware waits for, in bytes a
	// second after BodyGrace: a body that arrives slower, or stops, fails
	// with the request-timeout condition (408) and the connection is
	// closed, instead of holding it for ever (default 1024; negative:
	// no minimum). A body already guarded by middleware.BodyLimit or
	// middleware.MinBodyRate keeps that guard. The deadline is the
	// connection's (http.ResponseController), pushed back as bytes arrive.
	MinBodyRate int64
	// BodyGrace is how long a body may take before MinBodyRate applies
	// (default 10 s).
	BodyGrace time.Duration
	// TooLarge is the answer to a body over MaxBodyBytes (default
	// DefaultTooLarge: payload_too_large, 413). A route whose handler
	// answers an oversized body its own way (the fax API names the file:
	// "The file may not be greater than 10 MB.") sets the same answer here,
	// so a body gets one answer with or without a key.
	TooLarge TooLargeFunc
	// MaxResponseBytes caps the response body kept for replay (default
	// 1 MiB). A larger response still reaches the client but is not stored:
	// it is logged and the key released, so a retry runs again.
	MaxResponseBytes int
	// FingerprintHeaders are request headers that, besides method, route,
	// path, query and body, make two requests differ (e.g. "Content-Type",
	// "Stripe-Account"). Default none.
	FingerprintHeaders []string
	// ReplayHeaders, when set, are the only response headers stored. By
	// default every header is stored except Date, Set-Cookie (a session
	// secret at rest in the store), Content-Length and hop-by-hop headers.
	// On replay, a stored header is not sent when an outer middleware has
	// already set it for the replaying request (request ID, rate limits).
	ReplayHeaders []string
	// Scope names the caller a key belongs to (default DefaultScope).
	Scope ScopeFunc
	// Policy decides which responses are stored (default
	// DefaultStorePolicy).
	Policy StorePolicy
	// FailurePolicy says what a store failure does, and where the
	// middleware logs: by default (apierr.FailDefault, which is
	// apierr.FailClosed here, as is apierr.FailLocal) the request fails
	// with the unavailable condition (503, UnavailableRetryAfter, default
	// 5 s): running a side effect twice is worse than refusing.
	// apierr.FailOpen runs the handler without idempotency (logged).
	// OnError is called with every store error (taking, renewing, saving
	// or releasing a key), with the request's context: the same hook as
	// ratelimit's, for counting failures or marking the trace. Logger
	// receives store failures and responses too large to store (default
	// slog.Default() when New runs).
	apierr.FailurePolicy
}

// Backoff returns the wait before retry number attempt (1 for the first).
type Backoff func(attempt int) time.Duration

// DefaultSaveBackoff waits 100 ms before the first retry of a failed save,
// doubling up to 10 s.
func DefaultSaveBackoff(attempt int) time.Duration {
	if attempt > 7 {
		return 10 * time.Second
	}
	attempt = max(attempt, 1)
	return min(100*time.Millisecond<<(attempt-1), 10*time.Second)
}

// ScopeFunc returns the scope a request's key lives in, so one caller's key
// can never replay another caller's response; ok is false when the request
// carries no caller.
type ScopeFunc func(r *http.Request) (scope string, ok bool)

// DefaultScope scopes keys by the authenticated principal
// (apierr.PrincipalFrom): its tenant and environment, so tenant A's key "1"
// and tenant B's key "1" are different keys and a test-mode key never
// replays live data. A principal with no tenant is scoped by its subject.
//
// Without a principal (or with neither tenant nor subject) it reports
// false, and a request that carries a key is refused with the internal
// condition (500, cause logged): the middleware is mounted before
// authentication, or on a public route that needs its own ScopeFunc.
// Guessing a shared scope instead would let strangers replay each other's
// responses.
func DefaultScope(r *http.Request) (string, bool) {
	p := apierr.PrincipalFrom(r.Context())
	switch {
	case p == nil:
		return "", false
	case p.Tenant != "":
		return "t" + strconv.Itoa(len(p.Tenant)) + ":" + p.Tenant + ":" + p.Environment, true
	case p.Subject != "":
		return "s" + strconv.Itoa(len(p.Subject)) + ":" + p.Subject + ":" + p.Environment, true
	}
	return "", false
}

// StorePolicy decides whether a response is stored for replay. status is the
// response status; err is the apierr error the request's handler chain
// rendered (apierr.StateFrom(ctx).Err(), resolved), or nil when the handler
// wrote its own response. A response not stored releases the key, so a
// retry runs the handler again.
type StorePolicy func(status int, err *apierr.Error) bool

// DefaultStorePolicy stores what Stripe stores: any response of a handler
// that started its work, including business errors (insufficient_balance).
// It does not store 5xx (the work may not have happened; retrying is the
// point), 429 and other built-in conditions raised before or around the
// work: authentication, validation, malformed bodies, rate and quota limits,
// not-found and idempotency conflicts. Those errors carry a Condition; a
// catalog code the handler returned (apierr.New("insufficient_balance"))
// carries none unless the catalog binds it to one.
func DefaultStorePolicy(status int, err *apierr.Error) bool {
	if status >= 500 || status == http.StatusTooManyRequests {
		return false
	}
	return err == nil || err.Condition == ""
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.Store == nil {
		d.Store = NewMemoryStore(MemoryConfig{})
	}
	if len(d.Methods) == 0 {
		d.Methods = []string{http.MethodPost, http.MethodPatch}
	}
	if d.Header == "" {
		d.Header = "Idempotency-Key"
	}
	if d.TTL <= 0 {
		d.TTL = 24 * time.Hour
	}
	if d.Lease <= 0 {
		d.Lease = time.Minute
	}
	if d.SaveBackoff == nil {
		d.SaveBackoff = DefaultSaveBackoff
	}
	if d.MaxPendingSaves <= 0 {
		d.MaxPendingSaves = 1024
	}
	if d.AfterFunc == nil {
		d.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if d.RetryAfter <= 0 {
		d.RetryAfter = time.Second
	}
	d.FailurePolicy = d.FailurePolicy.Resolve(apierr.FailClosed, 5*time.Second)
	if d.Mode == apierr.FailLocal {
		d.Mode = apierr.FailClosed // a key's history is in the store alone
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = 1 << 20
	}
	if d.TooLarge == nil {
		d.TooLarge = DefaultTooLarge
	}
	if d.MaxResponseBytes <= 0 {
		d.MaxResponseBytes = 1 << 20
	}
	if d.Scope == nil {
		d.Scope = DefaultScope
	}
	if d.Policy == nil {
		d.Policy = DefaultStorePolicy
	}
	return d
}
