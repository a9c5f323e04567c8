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
// # Concurrency and outages
//
// Concurrent calls are coalesced (auto-pipelining): each store keeps at most
// Pipelines round trips in flight (DefaultPipelines, 4); calls arriving
// while all are busy go together in the next one, each still one EVALSHA of
// its own, atomic on its own. A lone caller pays nothing for it.
//
// Every store has a circuit breaker: after BreakAfter (3) consecutive calls
// failed for want of Redis (timeout, refused or broken connection) it fails
// at once with ErrFailingFast for FailFast (1s), then lets one probe
// through. So an outage costs a few slow calls, then none: the limiters'
// FailurePolicy (FailOpen, FailClosed, or ratelimit.FailLocal, which limits
// in each process meanwhile) and the idempotency middleware's 503 apply at
// once. The breaker is per store, not per node: on a Cluster, one master
// down makes a busy store fail fast for keys on the healthy masters too,
// until the failover completes (see RELIABILITY.md).
//
// # What "at most once" assumes
//
// An idempotency key's handler runs at most once while Redis keeps the
// key's record until its TTL. Redis forgets records when
//
//   - it evicts keys under memory pressure: any maxmemory-policy but
//     noeviction, with maxmemory set, can evict them (they have TTLs, so the
//     volatile-* policies too);
//   - it restarts without persistence (no RDB save points, no AOF): every
//     record is gone, and a master restarted empty empties its replicas;
//   - a master fails over to a replica that had not received its last
//     writes (replication is asynchronous): those keys run again.
//
// IdempotencyStore checks the first two on first use (CheckDurability) and
// warns, or refuses with DurabilityRequire. Against the third, WaitReplicas
// sends WAIT with each Acquire and Complete in the same round trip: a
// Complete that returned nil is on that many replicas, so the failover of
// its master to one of them keeps it (a key completed before the failover
// does not run again). The price is a round trip that lasts until a replica
// acknowledges (≤ WaitTimeout), and 503s while a master has fewer replicas
// than WaitReplicas (after a failover, until a replica rejoins). Rate-limit,
// concurrency and quota state needs none of this: losing it admits at most
// one more burst.
//
// # Versions
//
// Tested against Redis 7.0.15 (Debian 12's redis-server), as a single node
// and as a Cluster of three masters with one replica each (internal/redistest
// starts both; .ci/run runs every store test on both). Valkey: the suite runs
// with APIERR_REDIS_SERVER=valkey-server; .ci/run does so when the
// distribution packages it (Debian 13 does, Debian 12 does not, so CI on
// Debian 12 tests Redis only).
//
// The rate-limit, concurrency and quota scripts use only commands Redis 6
// and Valkey have (no Redis-7-only command); they read TIME before writing,
// which Redis ≥ 5 replicates as effects (older servers are switched to
// effects replication by the script itself). IdempotencyStore has its own
// requirements (see its doc).
package redisstore
