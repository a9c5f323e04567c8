package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryConcurrency is an in-process ConcurrencyStore: a sharded map of
// counters. A process that dies takes its counters with it, so no lease is
// needed and the ttl is ignored.
type MemoryConcurrency struct {
	seed   maphash.Seed
	shards [64]rlCountShard
}

type rlCountShard struct {
	mu sync.Mutex
	m  map[string]int64
}

var _ ConcurrencyStore = (*MemoryConcurrency)(nil)

// NewMemoryConcurrency returns an empty MemoryConcurrency.
func NewMemoryConcurrency() *MemoryConcurrency {
	return &MemoryConcurrency{seed: maphash.MakeSeed()}
}

// Acquire implements ConcurrencyStore.
func (s *MemoryConcurrency) Acquire(_ context.Context, key string, limit int64, _ time.Duration) (func(), int64, bool, error) {
	sh := &s.shards[maphash.String(s.seed, key)&63]
	sh.mu.Lock()
	n := sh.m[key]
	if n >= limit {
		sh.mu.Unlock()
		return rlNoop, n, false, nil
	}
	if sh.m == nil {
		sh.m = make(map[string]int64)
	}
	sh.m[key] = n + 1
	sh.mu.Unlock()
	var done atomic.Bool
	return func() {
		if done.Swap(true) {
			return
		}
		sh.mu.Lock()
		if v := sh.m[key] - 1; v > 0 {
			sh.m[key] = v
		} else {
			delete(sh.m, key)
		}
		sh.mu.Unlock()
	}, n + 1, true, nil
}

// InFlight returns the slots held for key (for tests and metrics).
func (s *MemoryConcurrency) InFlight(key string) int64 {
	sh := &s.shards[maphash.String(s.seed, key)&63]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.m[key]
}
