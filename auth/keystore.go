package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"sync"
	"unsafe"

	"github.com/apierr/apierr"
)

// ErrUnknownKey is returned (possibly wrapped) by a KeyStore for a key it does
// not know or that was revoked.
var ErrUnknownKey = errors.New("auth: unknown or revoked API key")

// KeyStore finds the caller an API key stands for. Implementations must be
// safe for concurrent use.
type KeyStore interface {
	// Lookup returns the principal for an API key, or an error; an unknown
	// or revoked key returns an error satisfying errors.Is(err, ErrUnknownKey).
	// The returned principal must not be modified by the caller.
	Lookup(ctx context.Context, key string) (*apierr.Principal, error)
}

// MemoryKeyStore is an in-memory KeyStore. It keeps only the SHA-256 digest
// of each key, never the key, and compares digests in constant time. Its zero
// value is empty and ready to use; it is safe for concurrent use.
type MemoryKeyStore struct {
	mu   sync.RWMutex
	keys map[[sha256.Size]byte]*memoryKey
}

type memoryKey struct {
	digest    [sha256.Size]byte
	principal *apierr.Principal
	revoked   bool
}

var _ KeyStore = (*MemoryKeyStore)(nil)

// NewMemoryKeyStore returns an empty store.
func NewMemoryKeyStore() *MemoryKeyStore { return new(MemoryKeyStore) }

// digest hashes key without copying it.
func digest(key string) [sha256.Size]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(key), len(key)))
}

// Add stores key for p. An empty KeyID gets one derived from the key's
// digest (safe to log); an empty Method becomes "api_key". Adding a key twice
// replaces its principal and un-revokes it.
func (s *MemoryKeyStore) Add(key string, p apierr.Principal) error {
	if key == "" {
		return errors.New("auth: empty API key")
	}
	d := digest(key)
	if p.KeyID == "" {
		p.KeyID = "key_" + hex.EncodeToString(d[:6])
	}
	if p.Method == "" {
		p.Method = "api_key"
	}
	p.Scopes = append([]string(nil), p.Scopes...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = make(map[[sha256.Size]byte]*memoryKey)
	}
	s.keys[d] = &memoryKey{digest: d, principal: &p}
	return nil
}

// Revoke marks key revoked; Lookup then fails with ErrUnknownKey. It reports
// whether the key was known.
func (s *MemoryKeyStore) Revoke(key string) bool {
	d := digest(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[d]
	if k == nil {
		return false
	}
	k.revoked = true
	return true
}

// Lookup implements KeyStore.
func (s *MemoryKeyStore) Lookup(_ context.Context, key string) (*apierr.Principal, error) {
	d := digest(key)
	s.mu.RLock()
	k := s.keys[d]
	var p *apierr.Principal
	ok := k != nil && !k.revoked
	if ok {
		p = k.principal
	}
	s.mu.RUnlock()
	// The map finds the entry by digest; the digest comparison below is
	// constant time so no timing depends on how much of it matched.
	if !ok || subtle.ConstantTimeCompare(k.digest[:], d[:]) != 1 {
		return nil, ErrUnknownKey
	}
	return p, nil
}
