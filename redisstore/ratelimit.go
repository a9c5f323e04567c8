package redisstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/ratelimit"
)

// RateLimitConfig configures a RateLimitStore. The zero value works.
type RateLimitConfig struct {
	// Prefix is prepended to every key (default "apierr:rl:"); no braces.
	Prefix string
	// Timeout bounds each check (default DefaultTimeout, 100ms).
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

// RateLimitStore is a ratelimit.Store on Redis: GCRA in one Lua script, run
// by EVALSHA (go-redis reloads it on NOSCRIPT), one round trip per check
// however many policies the request has, all decided and charged atomically
// against Redis's clock (TIME), so app servers' clocks do not matter. It is
// safe for concurrent use.
//
// A check of key under policies p1…pn touches the keys
// Prefix+"{"+key+"}:"+name, one string per policy holding its theoretical
// arrival time in µs, hash-tagged so Redis Cluster keeps them in one slot,
// and expiring when the policy is full again (the key is then worth nothing).
type RateLimitStore struct {
	call   rlCaller
	prefix string
	args   rlArgCache
}

var _ ratelimit.Store = (*RateLimitStore)(nil)

// NewRateLimitStore returns a RateLimitStore on client.
func NewRateLimitStore(client redis.UniversalClient, cfg RateLimitConfig) *RateLimitStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "apierr:rl:"
	}
	return &RateLimitStore{call: rlNewCaller(client, cfg.Timeout, cfg.FailFast, cfg.BreakAfter, cfg.Pipelines), prefix: rlCheckPrefix(cfg.Prefix)}
}

// rlGCRAScript is ratelimit.Policy.GCRA for every policy at once. ARGV[1] is
// the cost, then an (interval µs, burst) pair per key. It returns
// {admitted 0|1, now µs, tat µs per key after the check}. Timestamps stay
// below 2^53 µs, exact in Lua's doubles; string.format('%d') keeps them
// from being written in exponent form.
var rlGCRAScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local cost = tonumber(ARGV[1])
if #KEYS == 1 then
  local iv = tonumber(ARGV[2])
  local tat = tonumber(redis.call('GET', KEYS[1])) or now
  if tat < now then tat = now end
  local new = tat + cost * iv
  if new - ARGV[3] * iv > now then return {0, now, tat} end
  if cost == 0 then return {1, now, tat} end
  redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000))
  return {1, now, new}
end
local ok = 1
local old, new = {}, {}
for i = 1, #KEYS do
  local iv = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i])) or now
  if tat < now then tat = now end
  old[i] = tat
  new[i] = tat + cost * iv
  if new[i] - ARGV[2 * i + 1] * iv > now then ok = 0 end
end
local out = {ok, now}
for i = 1, #KEYS do
  if ok == 1 and cost > 0 then
    redis.call('SET', KEYS[i], string.format('%d', new[i]), 'PX', math.ceil((new[i] - now) / 1000))
    out[i + 2] = new[i]
  else
    out[i + 2] = old[i]
  end
end
return out
`)

// Allow implements ratelimit.Store.
func (s *RateLimitStore) Allow(ctx context.Context, key string, cost int64, policies []ratelimit.Policy, out []ratelimit.Status) (bool, error) {
	// One buffer holds every key (they share the tagged prefix), and the
	// policies' boxed arguments are cached: fewer allocations per check
	// leave more of the CPU to Redis.
	keys := make([]string, len(policies))
	n := len(policies) * (len(s.prefix) + len(key) + 3)
	for i := range policies {
		n += len(policies[i].Name)
	}
	buf := make([]byte, 0, n)
	for i := range policies {
		buf = append(buf, s.prefix...)
		buf = append(buf, '{')
		buf = append(buf, key...)
		buf = append(buf, "}:"...)
		buf = append(buf, policies[i].Name...)
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	off := 0
	for i := range policies {
		l := len(s.prefix) + len(key) + 3 + len(policies[i].Name)
		keys[i] = all[off : off+l]
		off += l
	}
	args := make([]any, 1+2*len(policies))
	args[0] = cost
	copy(args[1:], s.args.get(policies))
	res, err := s.call.run(ctx, rlGCRAScript, keys, args...)
	if err != nil {
		return false, err
	}
	if len(res) != 2+len(policies) {
		return false, fmt.Errorf("redisstore: rate-limit script returned %d values, want %d", len(res), 2+len(policies))
	}
	allowed, now := rlInt(res[0]) == 1, rlInt(res[1])
	for i := range policies {
		out[i] = policies[i].StatusAt(now, rlInt(res[2+i]), cost, allowed)
	}
	return allowed, nil
}

// rlArgCache keeps the boxed (interval, burst) arguments of the policy
// slices a store sees, by the slice's address: a Limiter passes the same
// slice on every call. Bounded; a miss just boxes anew.
type rlArgCache struct {
	mu      sync.Mutex
	entries atomic.Pointer[[]rlArgEntry]
}

type rlArgEntry struct {
	first *ratelimit.Policy
	n     int
	args  []any
	pols  []ratelimit.Policy // a copy, to notice a slice changed in place
}

func (c *rlArgCache) get(policies []ratelimit.Policy) []any {
	if len(policies) == 0 {
		return nil
	}
	if es := c.entries.Load(); es != nil {
		for _, e := range *es {
			if e.first == &policies[0] && e.n == len(policies) && rlSamePolicies(e.pols, policies) {
				return e.args
			}
		}
	}
	args := make([]any, 0, 2*len(policies))
	for i := range policies {
		args = append(args, policies[i].Interval(), policies[i].Capacity())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var next []rlArgEntry
	if es := c.entries.Load(); es != nil {
		next = append(next, *es...)
	}
	if len(next) < 32 {
		next = append(next, rlArgEntry{first: &policies[0], n: len(policies), args: args,
			pols: append([]ratelimit.Policy(nil), policies...)})
		c.entries.Store(&next)
	}
	return args
}

func rlSamePolicies(a, b []ratelimit.Policy) bool {
	for i := range a {
		if a[i].Limit != b[i].Limit || a[i].Period != b[i].Period || a[i].Burst != b[i].Burst {
			return false
		}
	}
	return true
}
