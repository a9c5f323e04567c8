package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Durability says what an IdempotencyStore does when Redis may lose its
// records: "at most once" holds only while Redis keeps every record until
// its TTL, and a Redis that evicts keys under memory pressure, or restarts
// without persistence, silently forgets them (their keys then run again).
type Durability int

const (
	// DurabilityWarn checks on first use, in the background, and logs a
	// warning naming each risk (the default).
	DurabilityWarn Durability = iota
	// DurabilityRequire checks on first use and, if Redis may lose records
	// or cannot be asked (CONFIG disabled, as on some managed services),
	// fails every call with a *DurabilityError.
	DurabilityRequire
	// DurabilityIgnore skips the check.
	DurabilityIgnore
)

// DurabilityError lists why Redis may lose idempotency records.
type DurabilityError struct {
	Risks []string
}

func (e *DurabilityError) Error() string {
	return "redisstore: Redis may lose idempotency records: " + strings.Join(e.Risks, "; ")
}

// CheckDurability asks Redis (every master of a cluster) whether it may
// lose records before their TTL: an evicting maxmemory-policy with a
// maxmemory set (any policy but noeviction can evict keys that expire, as
// idempotency records do), or no persistence at all (no RDB save points and
// no AOF: a restart forgets everything, and a master restarted empty can
// empty its replicas too). It returns nil when neither holds, a
// *DurabilityError naming each risk, or the error that kept it from asking
// (CONFIG GET refused or Redis unreachable).
//
// Replicas with failover (Sentinel, Cluster) protect against a crashed
// host, not against eviction; persistence protects against a restart; see
// the package doc for what each setup guarantees.
func CheckDurability(ctx context.Context, client redis.UniversalClient) error {
	var mu sync.Mutex
	var risks []string
	check := func(ctx context.Context, c redis.Cmdable, where string) error {
		get := func(param string) (string, error) {
			m, err := c.ConfigGet(ctx, param).Result()
			if err != nil {
				return "", fmt.Errorf("redisstore: CONFIG GET %s%s: %w", param, where, err)
			}
			return m[param], nil
		}
		policy, err := get("maxmemory-policy")
		if err != nil {
			return err
		}
		maxmem, err := get("maxmemory")
		if err != nil {
			return err
		}
		save, err := get("save")
		if err != nil {
			return err
		}
		aof, err := get("appendonly")
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if policy != "noeviction" && maxmem != "0" && maxmem != "" {
			risks = append(risks, fmt.Sprintf("maxmemory-policy %s with maxmemory %s%s evicts records under memory pressure (use noeviction)", policy, maxmem, where))
		}
		if strings.TrimSpace(save) == "" && aof != "yes" {
			risks = append(risks, "no persistence (save \"\", appendonly no)"+where+": a restart forgets every record")
		}
		return nil
	}
	var err error
	if cc, ok := client.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			return check(ctx, c, " on "+c.Options().Addr)
		})
	} else {
		err = check(ctx, client, "")
	}
	if err != nil {
		return err
	}
	if len(risks) > 0 {
		return &DurabilityError{Risks: risks}
	}
	return nil
}

// durabilityCheck runs CheckDurability once per store, as its mode says.
type durabilityCheck struct {
	mode   Durability
	client redis.UniversalClient
	logger *slog.Logger

	once sync.Once  // DurabilityWarn: the background check
	mu   sync.Mutex // DurabilityRequire: the outcome, once known
	done atomic.Bool
	err  error // set before done
}

// check returns nil, or under DurabilityRequire the reason to refuse.
func (d *durabilityCheck) check(ctx context.Context) error {
	switch d.mode {
	case DurabilityIgnore:
		return nil
	case DurabilityRequire:
		if d.done.Load() {
			return d.err
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.done.Load() {
			return d.err
		}
		err := CheckDurability(ctx, d.client)
		if err != nil && !isDurability(err) && !rlServerReplied(err) {
			return err // Redis unreachable: ask again on the next call
		}
		d.err = err
		d.done.Store(true)
		return err
	}
	d.once.Do(func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := CheckDurability(ctx, d.client); err != nil {
				d.logger.LogAttrs(ctx, slog.LevelWarn, "redisstore: idempotency records may be lost, and their keys run again",
					slog.String("error", err.Error()))
			}
		}()
	})
	return nil
}

func isDurability(err error) bool {
	_, ok := err.(*DurabilityError)
	return ok
}
