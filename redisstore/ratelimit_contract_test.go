package redisstore_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/ratelimit/ratelimittest"
	"github.com/apierr/apierr/redisstore"
)

// space gives each contract subtest a key space of its own on the shared
// server.
var space atomic.Int64

func freshPrefix(srv *redistest.Server) string {
	return srv.Prefix() + "c" + strconv.FormatInt(space.Add(1), 10) + ":"
}

// The Redis stores keep the contracts the memory stores keep
// (ratelimittest), on a single node and on a cluster.
func TestRateLimitStoreContract(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		ratelimittest.TestStore(t, func(t *testing.T) ratelimit.Store {
			return redisstore.NewRateLimitStore(rlClient(t, srv), redisstore.RateLimitConfig{Prefix: freshPrefix(srv), Timeout: 10 * time.Second})
		})
	})
}

func TestConcurrencyStoreContract(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		ratelimittest.TestConcurrencyStore(t, func(t *testing.T) ratelimit.ConcurrencyStore {
			return redisstore.NewConcurrencyStore(rlClient(t, srv), redisstore.ConcurrencyConfig{Prefix: freshPrefix(srv), Timeout: 10 * time.Second})
		})
	})
}

func TestQuotaStoreContract(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		ratelimittest.TestQuotaStore(t, func(t *testing.T) ratelimit.QuotaStore {
			return redisstore.NewQuotaStore(rlClient(t, srv), redisstore.QuotaConfig{Prefix: freshPrefix(srv), Timeout: 10 * time.Second})
		})
	})
}
