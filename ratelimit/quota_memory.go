package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// MemoryQuota is an in-process QuotaStore: a sharded map of counters with
// expiry, swept lazily like Memory.
type MemoryQuota struct {
	now    func() time.Time
	seed   maphash.Seed
	sweep  int64
	shards [64]rlQuotaShard
}

type rlQuotaShard struct {
	mu        sync.Mutex
	m         map[string]rlQuotaEntry
	nextSweep int64
}

type rlQuotaEntry struct {
	used    int64
	expires int64 // µs, 0 = never
}

var _ QuotaStore = (*MemoryQuota)(nil)

// NewMemoryQuota returns an empty MemoryQuota; it uses cfg's Now and SweepInterval.
func NewMemoryQuota(cfg MemoryConfig) *MemoryQuota {
	s := &MemoryQuota{now: cfg.Now, seed: maphash.MakeSeed(), sweep: cfg.SweepInterval.Microseconds()}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sweep <= 0 {
		s.sweep = time.Minute.Microseconds()
	}
	return s
}

// Add implements QuotaStore.
func (s *MemoryQuota) Add(_ context.Context, key string, n, limit int64, ttl time.Duration) (int64, bool, error) {
	now := s.now().UnixMicro()
	sh := &s.shards[maphash.String(s.seed, key)&63]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.m == nil {
		sh.m = make(map[string]rlQuotaEntry)
	}
	if now >= sh.nextSweep {
		sh.nextSweep = now + s.sweep
		for k, e := range sh.m {
			if e.expires != 0 && e.expires <= now {
				delete(sh.m, k)
			}
		}
	}
	e, found := sh.m[key]
	if found && e.expires != 0 && e.expires <= now {
		e, found = rlQuotaEntry{}, false
	}
	if n > 0 && e.used+n > limit {
		return e.used, false, nil
	}
	e.used += n
	if e.used < 0 {
		e.used = 0
	}
	if !found && ttl > 0 {
		e.expires = now + ttl.Microseconds()
	}
	sh.m[key] = e
	return e.used, true, nil
}
