package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/ratelimit"
)

// QuotaConfig configures a QuotaStore. The zero value works.
type QuotaConfig struct {
	// Prefix is prepended to every key (default "apierr:"); no braces.
	Prefix string
	// Timeout bounds each call (default DefaultTimeout, 100ms).
	Timeout time.Duration
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

// QuotaStore is a ratelimit.QuotaStore on Redis: one Lua script per call
// checks the limit and adds (INCRBY, which keeps the key's TTL) atomically.
// Safe for concurrent use.
type QuotaStore struct {
	call   rlCaller
	prefix string
}

var _ ratelimit.QuotaStore = (*QuotaStore)(nil)

// NewQuotaStore returns a QuotaStore on client.
func NewQuotaStore(client redis.UniversalClient, cfg QuotaConfig) *QuotaStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "apierr:"
	}
	return &QuotaStore{call: rlNewCaller(client, cfg.Timeout, cfg.FailFast, cfg.BreakAfter, cfg.Pipelines), prefix: rlCheckPrefix(cfg.Prefix)}
}

// rlQuotaScript: ARGV n, limit, ttl ms → {ok, used}.
var rlQuotaScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local used = tonumber(cur or 0)
local n = tonumber(ARGV[1])
if n > 0 and used + n > tonumber(ARGV[2]) then return {0, used} end
if used + n < 0 then n = -used end
used = redis.call('INCRBY', KEYS[1], n)
local ttl = tonumber(ARGV[3])
if not cur and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, used}
`)

// Add implements ratelimit.QuotaStore.
func (s *QuotaStore) Add(ctx context.Context, key string, n, limit int64, ttl time.Duration) (int64, bool, error) {
	k := s.prefix + "{" + key + "}"
	res, err := s.call.run(ctx, rlQuotaScript, []string{k}, n, limit, ttl.Milliseconds())
	if err != nil {
		return 0, false, err
	}
	if len(res) != 2 {
		return 0, false, nil
	}
	return rlInt(res[1]), rlInt(res[0]) == 1, nil
}
