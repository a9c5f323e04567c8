package oidcauth

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/apierr/apierr"
)

// tokenCache remembers tokens that verified, keyed by their SHA-256, until
// they expire, so a client that sends the same token on every request pays
// for one signature check, not one per request. It holds at most max
// entries; when full, expired entries go first, then arbitrary ones (map
// order) down to 15/16 of the bound, which bounds memory without an LRU
// list and keeps a put amortized O(1).
type tokenCache struct {
	mu      sync.Mutex
	max     int
	entries map[[32]byte]cached
}

type cached struct {
	p       apierr.Principal
	expires time.Time
}

func newTokenCache(max int) *tokenCache {
	if max <= 0 {
		return nil
	}
	return &tokenCache{max: max, entries: make(map[[32]byte]cached)}
}

// get returns a copy of the principal of a cached, unexpired token.
func (c *tokenCache) get(sum [32]byte, now time.Time) (*apierr.Principal, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.entries[sum]
	if ok && !now.Before(e.expires) {
		delete(c.entries, sum)
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	p := e.p
	p.Scopes = append([]string(nil), e.p.Scopes...)
	return &p, true
}

func (c *tokenCache) put(sum [32]byte, p *apierr.Principal, expires, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// One scan makes room for many puts: expired entries go, then
		// arbitrary ones down to 15/16 of the bound. Freeing a single slot
		// made every put of a full cache scan every entry under the lock
		// that each get waits on (~100 µs at 10,000 entries, more than the
		// signature check the cache saves).
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		low := c.max - max(c.max/16, 1)
		for k := range c.entries {
			if len(c.entries) <= low {
				break
			}
			delete(c.entries, k)
		}
	}
	cp := *p
	cp.Scopes = append([]string(nil), p.Scopes...)
	c.entries[sum] = cached{p: cp, expires: expires}
}

func tokenSum(token string) [32]byte { return sha256.Sum256([]byte(token)) }
