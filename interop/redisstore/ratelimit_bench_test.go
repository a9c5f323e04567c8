package redisstore_test

// Redis store benchmarks beside the peers a user would pick instead, on the
// same redis-server in one run. See BENCHMARKS.md.

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	ululeredis "github.com/ulule/limiter/v3/drivers/store/redis"

	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/ratelimit"
	"github.com/apierr/apierr/redisstore"
)

const rlBenchKeys = 10_000

var rlBenchKeyNames = func() []string {
	k := make([]string, rlBenchKeys)
	for i := range k {
		k[i] = "tenant-" + strconv.Itoa(i)
	}
	return k
}()

type rlRedisImpl struct {
	name string
	make func(b *testing.B, c redis.UniversalClient, prefix string) func(ctx context.Context, key string) bool
}

var rlRedisImpls = []rlRedisImpl{
	{"apierr-redisstore", func(b *testing.B, c redis.UniversalClient, prefix string) func(context.Context, string) bool {
		s := redisstore.NewRateLimitStore(c, redisstore.RateLimitConfig{Prefix: prefix + "apierr:", Timeout: 10 * time.Second})
		pols := []ratelimit.Policy{ratelimit.PerSecond(1_000_000)}
		return func(ctx context.Context, k string) bool {
			var out [1]ratelimit.Status
			ok, err := s.Allow(ctx, k, 1, pols, out[:])
			if err != nil {
				b.Error(err)
			}
			return ok
		}
	}},
	{"apierr-redisstore-unpipelined", func(b *testing.B, c redis.UniversalClient, prefix string) func(context.Context, string) bool {
		s := redisstore.NewRateLimitStore(c, redisstore.RateLimitConfig{Prefix: prefix + "apierr:", Timeout: 10 * time.Second, Pipelines: -1})
		pols := []ratelimit.Policy{ratelimit.PerSecond(1_000_000)}
		return func(ctx context.Context, k string) bool {
			var out [1]ratelimit.Status
			ok, err := s.Allow(ctx, k, 1, pols, out[:])
			if err != nil {
				b.Error(err)
			}
			return ok
		}
	}},
	{"apierr-redisstore-2-policies", func(b *testing.B, c redis.UniversalClient, prefix string) func(context.Context, string) bool {
		s := redisstore.NewRateLimitStore(c, redisstore.RateLimitConfig{Prefix: prefix + "apierr2:", Timeout: 10 * time.Second})
		pols := []ratelimit.Policy{ratelimit.PerSecond(1_000_000), ratelimit.PerDay(1_000_000_000)}
		return func(ctx context.Context, k string) bool {
			var out [2]ratelimit.Status
			ok, err := s.Allow(ctx, k, 1, pols, out[:])
			if err != nil {
				b.Error(err)
			}
			return ok
		}
	}},
	{"go-redis-redis_rate", func(b *testing.B, c redis.UniversalClient, prefix string) func(context.Context, string) bool {
		l := redis_rate.NewLimiter(c)
		lim := redis_rate.PerSecond(1_000_000)
		return func(ctx context.Context, k string) bool {
			res, err := l.Allow(ctx, prefix+"rr:"+k, lim)
			if err != nil {
				b.Error(err)
				return false
			}
			return res.Allowed > 0
		}
	}},
	{"ulule-limiter-redis", func(b *testing.B, c redis.UniversalClient, prefix string) func(context.Context, string) bool {
		store, err := ululeredis.NewStoreWithOptions(c, limiter.StoreOptions{Prefix: prefix + "ulule", MaxRetry: 3})
		if err != nil {
			b.Fatal(err)
		}
		l := limiter.New(store, limiter.Rate{Period: time.Second, Limit: 1_000_000})
		return func(ctx context.Context, k string) bool {
			res, err := l.Get(ctx, k)
			if err != nil {
				b.Error(err)
				return false
			}
			return !res.Reached
		}
	}},
}

// BenchmarkRedisRateLimit: checks per second at 1 and 64 concurrent callers
// over 10k keys, on a single node and on a Redis Cluster (3 masters, 3
// replicas), the round trips each check costs (a go-redis hook counts every
// command and pipeline sent) and the script calls (EVAL/EVALSHA) it makes.
func BenchmarkRedisRateLimit(b *testing.B) {
	for _, srv := range []func(testing.TB) *redistest.Server{redistest.Shared, redistest.Cluster} {
		srv := srv(b)
		b.Run(srv.Name(), func(b *testing.B) { rlBenchServer(b, srv) })
	}
}

// rlRound counts the rounds (-count) so far: each round starts the
// contenders at another place in their order, so none always runs first
// (right after the server or the caller count changed) or last.
var rlRound atomic.Int64

func rlBenchServer(b *testing.B, srv *redistest.Server) {
	round := int(rlRound.Add(1))
	for _, callers := range []int{1, 64} {
		for k := range rlRedisImpls {
			impl := rlRedisImpls[(k+round)%len(rlRedisImpls)]
			b.Run("callers="+strconv.Itoa(callers)+"/"+impl.name, func(b *testing.B) {
				c := rlClient(b, srv)
				hook := &rlRoundTrips{}
				c.AddHook(hook)
				take := impl.make(b, c, srv.Prefix())
				ctx := context.Background()
				// Load the scripts, and dial the pool's connections for every
				// caller, so no contender's timing includes connection set-up.
				var wg sync.WaitGroup
				for g := 0; g < callers; g++ {
					wg.Add(1)
					go func() { defer wg.Done(); take(ctx, "warm-up-"+strconv.Itoa(g)) }()
				}
				wg.Wait()
				hook.n.Store(0)
				hook.scripts.Store(0)
				rlResetStats(b, c)
				cpu0 := rlProcessCPU()
				b.ReportAllocs()
				b.ResetTimer()
				if callers == 1 {
					for i := 0; i < b.N; i++ {
						take(ctx, rlBenchKeyNames[i%rlBenchKeys])
					}
				} else {
					b.SetParallelism((callers + rlProcs() - 1) / rlProcs())
					var seq atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						i := int(seq.Add(1)) * 7919
						for pb.Next() {
							take(ctx, rlBenchKeyNames[i%rlBenchKeys])
							i++
						}
					})
				}
				b.StopTimer()
				b.ReportMetric((rlProcessCPU()-cpu0).Seconds()*1e6/float64(b.N), "client-µs/op")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
				b.ReportMetric(float64(hook.n.Load())/float64(b.N), "roundtrips/op")
				b.ReportMetric(float64(hook.scripts.Load())/float64(b.N), "scripts/op")
				b.ReportMetric(rlServerMicrosSpent(b, c)/float64(b.N), "redis-µs/op")
			})
		}
	}
}

// rlEachNode runs f on every master (one for a single node).
func rlEachNode(b *testing.B, c redis.UniversalClient, f func(ctx context.Context, c *redis.Client) error) {
	ctx := context.Background()
	var err error
	if cc, ok := c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, f)
	} else {
		err = f(ctx, c.(*redis.Client))
	}
	if err != nil {
		b.Fatal(err)
	}
}

func rlResetStats(b *testing.B, c redis.UniversalClient) {
	rlEachNode(b, c, func(ctx context.Context, c *redis.Client) error { return c.ConfigResetStat(ctx).Err() })
}

// rlServerMicrosSpent sums the CPU time Redis reports (INFO commandstats)
// for every command since the last CONFIG RESETSTAT: the server's cost of
// the checks, which bounds throughput when Redis is the bottleneck.
func rlServerMicrosSpent(b *testing.B, c redis.UniversalClient) float64 {
	var mu sync.Mutex
	total := 0.0
	rlEachNode(b, c, func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "commandstats").Result()
		if err != nil {
			return err
		}
		for _, line := range strings.Split(info, "\n") {
			if !strings.HasPrefix(line, "cmdstat_") || strings.HasPrefix(line, "cmdstat_info:") {
				continue
			}
			for _, f := range strings.Split(strings.TrimSpace(line[strings.IndexByte(line, ':')+1:]), ",") {
				if v, ok := strings.CutPrefix(f, "usec="); ok {
					n, _ := strconv.ParseFloat(v, 64)
					mu.Lock()
					total += n
					mu.Unlock()
				}
			}
		}
		return nil
	})
	return total
}

// rlProcessCPU is the CPU time (user + system) this process has used: with
// redis-µs/op it shows what a check costs each side, figures that hold up
// better than wall-clock rates on a shared machine.
func rlProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
