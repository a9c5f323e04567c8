package mail

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
)

// tokens are the mailbox tokens POST /api/token issues. Like any API key they
// are kept only as SHA-256 digests; unlike a key they expire, and an expired
// token is as unknown as a wrong one (invalid_token).
type tokens struct {
	now func() time.Time
	ttl time.Duration

	mu sync.Mutex
	m  map[[sha256.Size]byte]tokenEntry
}

type tokenEntry struct {
	principal *apierr.Principal
	expires   time.Time
}

var _ auth.KeyStore = (*tokens)(nil)

func (t *tokens) issue(accountID string) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := "mcx_" + base64.RawURLEncoding.EncodeToString(b[:])
	t.mu.Lock()
	defer t.mu.Unlock()
	// Drop expired entries as new ones come in, so the map stays small.
	now := t.now()
	for k, e := range t.m {
		if !now.Before(e.expires) {
			delete(t.m, k)
		}
	}
	t.m[sha256.Sum256([]byte(tok))] = tokenEntry{
		principal: &apierr.Principal{Tenant: accountID, Subject: accountID, Method: "token"},
		expires:   now.Add(t.ttl),
	}
	return tok
}

// Lookup implements auth.KeyStore.
func (t *tokens) Lookup(_ context.Context, tok string) (*apierr.Principal, error) {
	d := sha256.Sum256([]byte(tok))
	t.mu.Lock()
	e, ok := t.m[d]
	t.mu.Unlock()
	if !ok || !t.now().Before(e.expires) {
		return nil, auth.ErrUnknownKey
	}
	return e.principal, nil
}
