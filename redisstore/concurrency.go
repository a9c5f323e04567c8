package redisstore

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/ratelimit"
)

// ConcurrencyConfig configures a ConcurrencyStore. The zero value works.
type ConcurrencyConfig struct {
	// Prefix is prepended to every key (default "apierr:cc:"); no braces.
	Prefix string
	// Timeout bounds each call (default DefaultTimeout, 100ms).
	Timeout time.Duration
	// LeaseTTL is how long a slot outlives a holder that never releases it
	// (a crashed process), when the limiter passes none (default 1m). Set it
	// above your longest request: a lease that expires while its request
	// still runs frees the slot early.
	LeaseTTL time.Duration
	// FailFast is how long the store stops calling Redis, failing at once
	// with ErrFailingFast, after BreakAfter consecutive calls failed for
	// want of Redis (a timeout, a refused or broken connection; never a
	// reply such as a script error); then one call probes Redis and its
	// outcome decides for the others. So an outage costs a few calls
	// Timeout each, then none; the limiter's FailurePolicy applies to those
	// failures as to any. Default DefaultFailFast (1s); negative: never
	// fail fast, every call waits out Timeout.
	FailFast time.Duration
	// BreakAfter is how many consecutive failures make the store fail fast
	// (default DefaultBreakAfter, 3).
	BreakAfter int
	// Pipelines is how many round trips to Redis the store keeps in flight
	// at once (default DefaultPipelines, 4). Checks that arrive while all
	// are busy wait and go together in the next one, as one pipeline: each
	// is still one script call of its own, atomic as ever, but many share a
	// round trip, so throughput under concurrency rises and Redis spends
	// less per check. A lone caller never waits. Negative: one round trip
	// per call, never coalesced (at most the client's pool size in flight).
	Pipelines int
}

// ConcurrencyStore is a ratelimit.ConcurrencyStore on Redis. A key's slots
// are leases in a sorted set (member: lease ID, score: expiry in Redis's µs
// clock); Acquire drops expired leases and adds one in a single Lua script,
// release removes it (ZREM), so a crashed process's slots come back when its
// leases expire. Safe for concurrent use.
type ConcurrencyStore struct {
	call   rlCaller
	prefix string
	ttl    time.Duration
}

// rlLeaseSeq numbers leases process-wide: with rlLeasePrefix (random per
// process) it makes every lease ID unique, even across stores sharing a Redis.
var rlLeaseSeq atomic.Uint64

var _ ratelimit.ConcurrencyStore = (*ConcurrencyStore)(nil)

// NewConcurrencyStore returns a ConcurrencyStore on client.
func NewConcurrencyStore(client redis.UniversalClient, cfg ConcurrencyConfig) *ConcurrencyStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "apierr:cc:"
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = time.Minute
	}
	return &ConcurrencyStore{call: rlNewCaller(client, cfg.Timeout, cfg.FailFast, cfg.BreakAfter, cfg.Pipelines), prefix: rlCheckPrefix(cfg.Prefix), ttl: cfg.LeaseTTL}
}

// rlAcquireScript: ARGV limit, lease ttl µs, lease id → {ok, in flight}.
var rlAcquireScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[1]) then return {0, n} end
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], string.format('%d', now + ttl), ARGV[3])
local ms = math.ceil(ttl / 1000)
if redis.call('PTTL', KEYS[1]) < ms then redis.call('PEXPIRE', KEYS[1], ms) end
return {1, n + 1}
`)

// Acquire implements ratelimit.ConcurrencyStore.
func (s *ConcurrencyStore) Acquire(ctx context.Context, key string, limit int64, ttl time.Duration) (func(), int64, bool, error) {
	if ttl <= 0 {
		ttl = s.ttl
	}
	k := s.prefix + "{" + key + "}"
	id := rlLeasePrefix + strconv.FormatUint(rlLeaseSeq.Add(1), 36)
	res, err := s.call.run(ctx, rlAcquireScript, []string{k}, limit, ttl.Microseconds(), id)
	if err != nil {
		return func() {}, 0, false, err
	}
	if len(res) != 2 || rlInt(res[0]) != 1 {
		n := int64(0)
		if len(res) == 2 {
			n = rlInt(res[1])
		}
		return func() {}, n, false, nil
	}
	var done atomic.Bool
	release := func() {
		if done.Swap(true) {
			return
		}
		// The request's context may be cancelled by now; the release gets
		// its own, bounded. If it fails, the lease expires on its own.
		zrem := func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.call.timeout)
			defer cancel()
			_ = s.call.client.ZRem(ctx, k, id).Err()
		}
		if s.call.guard {
			go zrem() // the client may ignore the deadline: never hold the handler
			return
		}
		zrem()
	}
	return release, rlInt(res[1]), true, nil
}
