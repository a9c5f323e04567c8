// Package ratelimit limits an HTTP API the way its error contract promises:
// rate limits (429 with Retry-After), concurrency limits (429) and quotas
// (402), each rendered from the catalog with apierr.Write.
//
//	lim := ratelimit.New(ratelimit.Config{
//		Policies: []ratelimit.Policy{
//			ratelimit.PerSecond(10).WithBurst(20),
//			ratelimit.PerDay(10000),
//		},
//		Key: ratelimit.ByTenant,
//	})
//	quota := ratelimit.NewQuota(ratelimit.QuotaConfig{Name: "faxes", Limit: 1000, Period: ratelimit.Monthly})
//	h := lim.Middleware(ratelimit.Concurrency(4)(quota.Middleware(api)))
//
// # Rate limits
//
// A Limiter runs GCRA (the generic cell rate algorithm: one timestamp per key
// and policy, no counters, no windows) against one or more Policy values. A
// request is admitted only when every policy admits it, and then every policy
// is charged — all or nothing, atomically. The tightest policy decides the
// Retry-After; every policy is reported.
//
// State lives in a Store: Memory (this package; sharded, idle keys dropped,
// clock injectable) for one process, or redisstore for many (one Lua script
// and one round trip per check, Redis's own clock).
//
// # Header fields
//
// Admitted and refused responses carry the RateLimit-Policy and RateLimit
// fields of draft-ietf-httpapi-ratelimit-headers-11 (May 2026), Structured
// Field lists with one item per policy:
//
//	RateLimit-Policy: "second";q=10;w=1, "day";q=10000;w=86400
//	RateLimit: "second";r=9;t=1, "day";r=9999;t=9
//
// q is the policy's Limit, w its Period in seconds, r the units left now
// (at most q) and t the seconds until the policy is full again. The legacy
// X-RateLimit-Limit/-Remaining/-Reset trio is optional (Config.LegacyHeaders).
//
// A refused request gets the rate-limited condition with Retry-After in
// whole seconds, rounded up, and the same figure in context.retry_after.
//
// # Concurrency and quotas
//
// A ConcurrencyLimiter holds a slot per request in flight and releases it when
// the handler returns or panics; over the limit it renders the
// concurrency-limited condition (context limit). A Quota counts usage per key
// and calendar period (Daily, Monthly, in UTC or a Location) or in Total (an
// absolute count: Use on create, Release on delete); over the limit it renders
// the quota-exceeded condition (402; context limit, used, resets_at) without
// Retry-After.
//
// # Outages
//
// Every limiter embeds an apierr.FailurePolicy for store errors, the same
// one idempotency and auth take: apierr.FailOpen (default) admits, logs on
// its Logger and counts (Failures, OnError); apierr.FailClosed renders the
// unavailable condition (503) with Retry-After; apierr.FailLocal decides in
// this process while the store is down (a Quota fails closed).
// redisstore bounds every call with a short timeout, so a hung Redis costs a
// request that timeout and no more.
package ratelimit
