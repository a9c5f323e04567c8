package fax

// Temporary shims, to be replaced one by one by the real packages as they
// land (middleware, ratelimit, idempotency). Each is the thinnest
// thing that keeps the demo's contract; none is meant to outlive its package.

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/apierr/apierr"
	"golang.org/x/time/rate"
)

// keyring is an in-memory key store: digests of keys, looked up in constant
// time per entry.
type keyring struct {
	mu   sync.RWMutex
	keys map[[32]byte]*apierr.Principal
}

func newKeyring() *keyring { return &keyring{keys: map[[32]byte]*apierr.Principal{}} }

func (k *keyring) add(key string, p *apierr.Principal) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[sha256.Sum256([]byte(key))] = p
}

func (k *keyring) lookup(key string) *apierr.Principal {
	d := sha256.Sum256([]byte(key))
	k.mu.RLock()
	defer k.mu.RUnlock()
	for kd, p := range k.keys {
		if subtle.ConstantTimeCompare(kd[:], d[:]) == 1 {
			return p
		}
	}
	return nil
}

// auth reads Authorization: Bearer <key> and tells missing, malformed,
// invalid and inactive apart.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := r.Header["Authorization"]
		if !ok {
			apierr.Write(w, r, apierr.Cond(apierr.CondAuthMissing))
			return
		}
		scheme, key, found := strings.Cut(h[0], " ")
		if len(h) != 1 || !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			apierr.Write(w, r, apierr.Cond(apierr.CondAuthMalformed))
			return
		}
		p := s.keys.lookup(key)
		if p == nil {
			e := apierr.Cond(apierr.CondAuthInvalid)
			switch {
			case strings.TrimSpace(key) != key:
				e.With("hint", "The key has surrounding whitespace; remove it.")
			case !strings.HasPrefix(key, "fx_test_") && !strings.HasPrefix(key, "fx_live_"):
				e.With("hint", "Sandbox keys start with fx_test_, live keys with fx_live_.")
			}
			apierr.Write(w, r, e)
			return
		}
		if known, active := s.store.active(p.Tenant); !known || !active {
			apierr.Write(w, r, apierr.Cond(apierr.CondTenantInactive))
			return
		}
		if st := apierr.StateFrom(r.Context()); st != nil {
			st.Principal = p
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimit allows RatePerSecond requests a second per key, Burst at once.
func (s *Server) rateLimit() func(http.Handler) http.Handler {
	if s.cfg.RatePerSecond < 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	var mu sync.Mutex
	limiters := map[string]*rate.Limiter{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := ""
			if p := apierr.PrincipalFrom(r.Context()); p != nil {
				key = p.Tenant + "/" + p.KeyID
			}
			mu.Lock()
			l := limiters[key]
			if l == nil {
				l = rate.NewLimiter(rate.Limit(s.cfg.RatePerSecond), s.cfg.Burst)
				limiters[key] = l
			}
			now := s.cfg.Now()
			res := l.ReserveN(now, 1)
			delay := res.DelayFrom(now)
			if delay > 0 {
				res.CancelAt(now)
			}
			mu.Unlock()
			if delay > 0 {
				e := apierr.Cond(apierr.CondRateLimited).WithRetryAfter(delay)
				apierr.Write(w, r, e.With("retry_after", e.RetryAfterSeconds()))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// idempotent is where the idempotency middleware goes; until it lands a key
// is accepted and ignored.
func (s *Server) idempotent(next http.Handler) http.Handler { return next }

// bind decodes a JSON body into v and checks the fax request's rules.
func bind(r *http.Request, v *faxRequest) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return err
		}
		return apierr.Cond(apierr.CondMalformedBody).WithCause(err)
	}
	e := apierr.Cond(apierr.CondValidationFailed)
	switch {
	case v.To == "":
		e.WithField("to", "required", "to is required")
	case !validE164(v.To):
		e.WithField("to", "e164", "to must be an E.164 number")
	}
	if v.File == "" {
		e.WithField("file", "required", "file is required")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// owned answers a resource of another workspace as the catalog says
// (foreign_resource: forbidden).
func owned(r *http.Request, tenant, owner string) error {
	if tenant == owner {
		return nil
	}
	return apierr.Cond(apierr.CatalogFrom(r.Context()).ForeignResource)
}
