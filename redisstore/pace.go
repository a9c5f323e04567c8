package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierr/apierr/client"
)

// PaceConfig configures a PaceStore. The zero value works.
type PaceConfig struct {
	// Prefix is prepended to every key (default "apierr:pace:").
	Prefix string
	// Timeout bounds each reservation (default DefaultTimeout, 100ms); the
	// Pacer sends a request unpaced when its store fails.
	Timeout time.Duration
	// FailFast and BreakAfter work as in RateLimitConfig: after BreakAfter
	// consecutive calls failed for want of Redis, calls fail at once for
	// FailFast.
	FailFast   time.Duration
	BreakAfter int
}

// PaceStore is a client.PaceStore on Redis: the client-side send schedules
// of every process that uses it, so that many processes calling one API
// pace themselves as one client. Each reservation is one Lua script, one
// round trip, decided on Redis's clock (TIME), so the processes' clocks do
// not matter. A schedule is one string per key, Prefix+key, holding its
// theoretical arrival time in µs and expiring when it has passed. It is
// safe for concurrent use.
type PaceStore struct {
	call   rlCaller
	prefix string
}

var _ client.PaceStore = (*PaceStore)(nil)

// NewPaceStore returns a PaceStore on rdb.
func NewPaceStore(rdb redis.UniversalClient, cfg PaceConfig) *PaceStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "apierr:pace:"
	}
	return &PaceStore{call: rlNewCaller(rdb, cfg.Timeout, cfg.FailFast, cfg.BreakAfter, -1), prefix: cfg.Prefix}
}

// paceScript is client.PaceStore's reservation. ARGV: interval µs, burst,
// not-before offset µs, max wait µs (0: none). It returns {wait µs, booked
// 0|1}.
var paceScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local iv = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local floor = now + tonumber(ARGV[3])
local maxwait = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < floor then tat = floor end
if tat < now then tat = now end
local at = tat - (burst - 1) * iv
if at < now then at = now end
local wait = at - now
if maxwait > 0 and wait > maxwait then return {wait, 0} end
local new = tat + iv
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.max(1, math.ceil((new - now) / 1000)))
return {wait, 1}
`)

// Reserve implements client.PaceStore on Redis's clock: s.Now is not used.
func (p *PaceStore) Reserve(ctx context.Context, key string, s client.PaceSlot) (time.Duration, bool, error) {
	v, err := p.call.run(ctx, paceScript, []string{p.prefix + key},
		s.Interval.Microseconds(), max(s.Burst, 1), s.NotBefore.Microseconds(), max(s.MaxWait.Microseconds(), 0))
	if err != nil {
		return 0, false, fmt.Errorf("redisstore: pace %q: %w", key, err)
	}
	if len(v) != 2 {
		return 0, false, fmt.Errorf("redisstore: pace %q: unexpected reply %v", key, v)
	}
	wait, _ := v[0].(int64)
	booked, _ := v[1].(int64)
	return time.Duration(wait) * time.Microsecond, booked == 1, nil
}
