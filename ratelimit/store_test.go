package ratelimit_test

import (
	"testing"

	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/ratelimit/ratelimittest"
)

// The memory stores keep the stores' contracts, as the Redis stores do
// (redisstore runs the same kit).
func TestMemoryStoreContract(t *testing.T) {
	ratelimittest.TestStore(t, func(*testing.T) ratelimit.Store { return ratelimit.NewMemory(ratelimit.MemoryConfig{}) })
}

func TestMemoryConcurrencyContract(t *testing.T) {
	ratelimittest.TestConcurrencyStore(t, func(*testing.T) ratelimit.ConcurrencyStore { return ratelimit.NewMemoryConcurrency() })
}

func TestMemoryQuotaContract(t *testing.T) {
	ratelimittest.TestQuotaStore(t, func(*testing.T) ratelimit.QuotaStore { return ratelimit.NewMemoryQuota(ratelimit.MemoryConfig{}) })
}
