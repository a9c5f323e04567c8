package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr/idempotency"
	"github.com/redis/go-redis/v9"
)

// IdempotencyConfig configures an IdempotencyStore. The zero value works.
type IdempotencyConfig struct {
	// Prefix is prepended to every key (default "apierr:idem:").
	Prefix string
	// LeaseScript takes leases with a Lua script (GET, else SET PX) instead
	// of SET NX PX GET, for Redis older than 7.0. It is also used
	// automatically once Redis rejects SET NX GET as a syntax error.
	LeaseScript bool
	// Timeout bounds each call (default DefaultIdempotencyTimeout, 1s): a
	// stalled Redis costs a request that long, then the middleware answers
	// 503 with Retry-After. go-redis dials and retries within it.
	Timeout time.Duration
	// FailFast and BreakAfter are the circuit breaker's, as in
	// RateLimitConfig: after BreakAfter (default 3) consecutive calls failed
	// for want of Redis, calls fail at once with ErrFailingFast for FailFast
	// (default 1s; negative: never), then one call probes Redis. While it is
	// open an idempotent request is answered 503 at once instead of after
	// Timeout.
	FailFast   time.Duration
	BreakAfter int
	// WaitReplicas, if positive, makes Acquire and Complete wait until that
	// many replicas acknowledge their write (Redis WAIT, sent in the same
	// round trip on the same connection) before they return. A write
	// acknowledged by fewer within WaitTimeout fails with
	// *NotReplicatedError: Acquire then gives the lease back (the request
	// gets 503 and may be retried), Complete's response stays on the master
	// only. So a key whose Complete succeeded survives the failover of its
	// master to an acknowledging replica. Default 0: no wait (a failover
	// may lose the last writes, and their keys run again).
	WaitReplicas int
	// WaitTimeout bounds the wait for replicas (default
	// DefaultWaitTimeout, 100ms).
	WaitTimeout time.Duration
	// Durability says what the store does when Redis may lose its records
	// (an evicting maxmemory-policy, no persistence): DurabilityWarn
	// (default) logs once, on first use; DurabilityRequire refuses to work
	// (every call fails with *DurabilityError); DurabilityIgnore skips the
	// check. See CheckDurability.
	Durability Durability
	// Logger receives the durability warning (default slog.Default()).
	Logger *slog.Logger
}

// DefaultIdempotencyTimeout bounds each IdempotencyStore call when its
// config sets none.
const DefaultIdempotencyTimeout = time.Second

// IdempotencyStore is an idempotency.Store on Redis, shared by every process
// that uses the same Redis and prefix. Each method is one Redis command, so
// a first request costs two round trips (Acquire, then Complete) and a
// replay one (Acquire returns the stored response):
//
//   - Acquire is SET key record PX lease NX GET: it takes the lease or
//     returns the record already there, atomically. SET accepts NX with GET
//     from Redis 7.0 (and in Valkey); on an older server the store switches,
//     after the first syntax error, to a Lua script doing the same in one
//     round trip (see IdempotencyConfig.LeaseScript).
//   - Complete, Renew and Release are Lua scripts that read the owner token
//     from the stored record (GETRANGE, not the whole value) and write only
//     when it is the caller's: a stale worker whose lease expired can never
//     overwrite a newer owner's record or a completed response, nor extend
//     its lease (Renew is a PEXPIRE of the caller's own in-flight record).
//
// Scripts run by EVALSHA; the first call after Redis loses its script cache
// costs one more round trip (go-redis falls back to EVAL).
//
// Every key is a single Redis key, so Redis Cluster needs no hash tags. An
// IdempotencyStore is safe for concurrent use.
type IdempotencyStore struct {
	client      redis.UniversalClient
	prefix      string
	leaseScript atomic.Bool
	call        rlCaller

	waitReplicas int
	waitTimeout  time.Duration
	durability   durabilityCheck
}

var _ idempotency.Store = (*IdempotencyStore)(nil)

// NewIdempotencyStore returns an IdempotencyStore on client.
func NewIdempotencyStore(client redis.UniversalClient, cfg IdempotencyConfig) *IdempotencyStore {
	if cfg.Prefix == "" {
		cfg.Prefix = "apierr:idem:"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultIdempotencyTimeout
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = DefaultWaitTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &IdempotencyStore{client: client, prefix: cfg.Prefix,
		call:         rlNewCaller(client, cfg.Timeout+cfg.WaitTimeout*time.Duration(min(cfg.WaitReplicas, 1)), cfg.FailFast, cfg.BreakAfter, -1),
		waitReplicas: cfg.WaitReplicas, waitTimeout: cfg.WaitTimeout,
		durability: durabilityCheck{mode: cfg.Durability, client: client, logger: cfg.Logger}}
	s.leaseScript.Store(cfg.LeaseScript)
	return s
}

// The scripts compare the 16-byte owner token at idempotency.TokenOffset and
// the status byte at idempotency.StatusOffset (Lua strings count from 1).
// GETRANGE on a missing key returns "", which matches no token.
var (
	idemAcquireScript = redis.NewScript(`
local old = redis.call('GET', KEYS[1])
if old then
  return old
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`)

	idemCompleteScript = redis.NewScript(fmt.Sprintf(`
local head = redis.call('GETRANGE', KEYS[1], 0, %[1]d)
if head ~= '' and (string.byte(head, %[2]d) ~= %[3]d or string.sub(head, %[4]d, %[5]d) ~= ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`, idempotency.TokenOffset+15, idempotency.StatusOffset+1, idempotency.InFlight,
		idempotency.TokenOffset+1, idempotency.TokenOffset+16))

	idemRenewScript = redis.NewScript(fmt.Sprintf(`
local head = redis.call('GETRANGE', KEYS[1], 0, %[1]d)
if head ~= '' and string.byte(head, %[2]d) == %[3]d and string.sub(head, %[4]d, %[5]d) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`, idempotency.TokenOffset+15, idempotency.StatusOffset+1, idempotency.InFlight,
		idempotency.TokenOffset+1, idempotency.TokenOffset+16))

	idemReleaseScript = redis.NewScript(fmt.Sprintf(`
local head = redis.call('GETRANGE', KEYS[1], 0, %[1]d)
if head ~= '' and string.byte(head, %[2]d) == %[3]d and string.sub(head, %[4]d, %[5]d) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`, idempotency.TokenOffset+15, idempotency.StatusOffset+1, idempotency.InFlight,
		idempotency.TokenOffset+1, idempotency.TokenOffset+16))
)

// Acquire implements idempotency.Store.
func (s *IdempotencyStore) Acquire(ctx context.Context, key string, rec *idempotency.Record, lease time.Duration) (*idempotency.Record, error) {
	var buf [64]byte
	val, err := rec.AppendBinary(buf[:0])
	if err != nil {
		return nil, err
	}
	if err := s.durability.check(ctx); err != nil {
		return nil, err
	}
	key = s.prefix + key
	var old string
	var acked int64
	err = s.call.exec(ctx, func(ctx context.Context) error {
		var err error
		if s.waitReplicas > 0 {
			var cmd redis.Cmder
			cmd, acked, err = s.waitWrite(ctx, key, func(p redis.Pipeliner) redis.Cmder {
				if s.leaseScript.Load() {
					return idemAcquireScript.Eval(ctx, p, []string{key}, val, idemMillis(lease))
				}
				return p.Do(ctx, "SET", key, val, "PX", idemMillis(lease), "NX", "GET")
			})
			if err == nil {
				old, err = cmd.(*redis.Cmd).Text()
			}
			if err != nil && idemIsSyntaxError(err) {
				s.leaseScript.Store(true) // Redis < 7.0: nothing was set; the caller may retry
			}
			return err
		}
		if !s.leaseScript.Load() {
			old, err = s.client.Do(ctx, "SET", key, val, "PX", idemMillis(lease), "NX", "GET").Text()
			if err != nil && idemIsSyntaxError(err) {
				s.leaseScript.Store(true) // Redis < 7.0: nothing was set
			}
		}
		if s.leaseScript.Load() {
			old, err = idemAcquireScript.Run(ctx, s.client, []string{key}, val, idemMillis(lease)).Text()
		}
		return err
	})
	if errors.Is(err, redis.Nil) {
		if s.waitReplicas > 0 && acked < int64(s.waitReplicas) {
			_ = s.Release(context.WithoutCancel(ctx), key[len(s.prefix):], rec.Token)
			return nil, &NotReplicatedError{Op: "acquire", Acked: acked, Wanted: s.waitReplicas}
		}
		return nil, nil // the lease is ours
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: idempotency acquire: %w", err)
	}
	prev := new(idempotency.Record)
	if err := prev.UnmarshalBinary([]byte(old)); err != nil {
		return nil, fmt.Errorf("redisstore: idempotency acquire: %w", err)
	}
	return prev, nil
}

// Complete implements idempotency.Store.
func (s *IdempotencyStore) Complete(ctx context.Context, key string, rec *idempotency.Record, ttl time.Duration) error {
	val, err := rec.MarshalBinary()
	if err != nil {
		return err
	}
	if err := s.durability.check(ctx); err != nil {
		return err
	}
	var ok int
	var acked int64
	err = s.call.exec(ctx, func(ctx context.Context) error {
		var err error
		if s.waitReplicas > 0 {
			var cmd redis.Cmder
			cmd, acked, err = s.waitWrite(ctx, s.prefix+key, func(p redis.Pipeliner) redis.Cmder {
				return idemCompleteScript.Eval(ctx, p, []string{s.prefix + key}, rec.Token[:], val, idemMillis(ttl))
			})
			if err == nil {
				ok, err = cmd.(*redis.Cmd).Int()
			}
			return err
		}
		ok, err = idemCompleteScript.Run(ctx, s.client, []string{s.prefix + key}, rec.Token[:], val, idemMillis(ttl)).Int()
		return err
	})
	if err != nil {
		return fmt.Errorf("redisstore: idempotency complete: %w", err)
	}
	if ok == 0 {
		return idempotency.ErrLeaseLost
	}
	if s.waitReplicas > 0 && acked < int64(s.waitReplicas) {
		return &NotReplicatedError{Op: "complete", Acked: acked, Wanted: s.waitReplicas}
	}
	return nil
}

// Renew implements idempotency.Store.
func (s *IdempotencyStore) Renew(ctx context.Context, key string, token idempotency.Token, lease time.Duration) error {
	var ok int
	err := s.call.exec(ctx, func(ctx context.Context) error {
		var err error
		ok, err = idemRenewScript.Run(ctx, s.client, []string{s.prefix + key}, token[:], idemMillis(lease)).Int()
		return err
	})
	if err != nil {
		return fmt.Errorf("redisstore: idempotency renew: %w", err)
	}
	if ok == 0 {
		return idempotency.ErrLeaseLost
	}
	return nil
}

// Release implements idempotency.Store.
func (s *IdempotencyStore) Release(ctx context.Context, key string, token idempotency.Token) error {
	err := s.call.exec(ctx, func(ctx context.Context) error {
		return idemReleaseScript.Run(ctx, s.client, []string{s.prefix + key}, token[:]).Err()
	})
	if err != nil {
		return fmt.Errorf("redisstore: idempotency release: %w", err)
	}
	return nil
}

// idemIsSyntaxError reports whether Redis rejected a command's arguments,
// as servers before 7.0 do for SET … NX GET.
func idemIsSyntaxError(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.Contains(strings.ToLower(rerr.Error()), "syntax error")
}

// idemMillis is d in whole milliseconds, at least 1 (PX 0 is an error).
func idemMillis(d time.Duration) int64 {
	if ms := d.Milliseconds(); ms > 0 {
		return ms
	}
	return 1
}
