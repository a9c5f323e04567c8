// Package redisstore keeps apierr's rate limits, concurrency limits, quotas
// and idempotency records in Redis (or Valkey, or Redis Cluster), so every
// process of an API shares them. It is the only apierr package that imports
// go-redis.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true})
//	lim := ratelimit.New(ratelimit.Config{
//		Policies: []ratelimit.Policy{ratelimit.PerSecond(10), ratelimit.PerDay(10000)},
//		Store:    redisstore.NewRateLimitStore(rdb, redisstore.RateLimitConfig{}),
//	})
//
// A program configured with a URL builds its client with NewClientFromURL
// (one node, or a Cluster as redis://h1:p1?addr=h2:p2&addr=h3:p3), so that it
// need not import go-redis itself; apierr's CLI does.
//
// Rate limits (RateLimitStore): GCRA in one Lua script per check, one round
// trip whatever the number of policies, Redis's clock (TIME), keys
// hash-tagged ({key}) for Cluster, TTL = time until the key is full again.
// Concurrency (ConcurrencyStore): slots are leases in a sorted set that
// expire, so a crashed process cannot leak them. Quotas (QuotaStore): a
// checked INCRBY in one script. Client pacing (PaceStore): the send
// schedules of client.Pacer, so that many processes calling one API pace
// themselves as one client (client.PaceConfig.Store); GCRA reservations on
// Redis's clock, one script per reservation.
//
// Every rate-limit, concurrency and quota call is bounded by a timeout
// (DefaultTimeout, 100ms); the limiter's FailurePolicy decides what an error
// or a timeout means (fail open by default). Enable ContextTimeoutEnabled on
// the go-redis client: without it go-redis ignores context deadlines on the
// socket, and the stores must run each call on a goroutine of its own to
// keep the bound.
//
// The rate-limit, concurrency and quota scripts use only commands Redis 6
// and Valkey have (no Redis-7-only command); they read TIME before writing,
// which Redis ≥ 5 replicates as effects (older servers are switched to
// effects replication by the script itself). IdempotencyStore has its own
// requirements (see its doc).
package redisstore
