package redisstore_test

import (
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

// Every process of the API shares the limits: rate (two policies, one round
// trip per request), concurrency (leases) and a monthly quota.
func ExampleNewRateLimitStore() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true})

	rate := ratelimit.New(ratelimit.Config{
		Policies: []ratelimit.Policy{ratelimit.PerSecond(10).WithBurst(20), ratelimit.PerDay(10_000)},
		Store:    redisstore.NewRateLimitStore(rdb, redisstore.RateLimitConfig{}),
		Key:      ratelimit.ByTenant,
	})
	inFlight := ratelimit.NewConcurrency(ratelimit.ConcurrencyConfig{
		Limit: 4,
		Store: redisstore.NewConcurrencyStore(rdb, redisstore.ConcurrencyConfig{LeaseTTL: 2 * time.Minute}),
	})
	faxes := ratelimit.NewQuota(ratelimit.QuotaConfig{
		Name: "faxes", Limit: 1000, Period: ratelimit.Monthly,
		Store:         redisstore.NewQuotaStore(rdb, redisstore.QuotaConfig{}),
		FailurePolicy: apierr.FailurePolicy{Mode: apierr.FailClosed}, // never give away paid usage during an outage
	})

	var api http.Handler = http.NotFoundHandler()
	_ = rate.Middleware(inFlight.Middleware(faxes.Middleware(api)))
}
