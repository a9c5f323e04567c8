package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/internal/redistest"
	"github.com/apierr/apierr/redisstore"
)

// TestCheckDurability: the test servers run without persistence; an
// evicting policy with a maxmemory adds a risk; noeviction and AOF clear
// both. DurabilityRequire then refuses (and later accepts) accordingly,
// and DurabilityWarn logs without refusing.
func TestCheckDurability(t *testing.T) {
	srv := redistest.New(t)
	if !srv.Owned() {
		t.Skip("changes the server's configuration")
	}
	client := rlClient(t, srv)
	ctx := context.Background()
	var de *redisstore.DurabilityError
	err := redisstore.CheckDurability(ctx, client)
	if !errors.As(err, &de) || len(de.Risks) != 1 || !strings.Contains(de.Risks[0], "no persistence") {
		t.Fatalf("no persistence: %v", err)
	}
	for _, kv := range [][2]string{{"maxmemory", "100mb"}, {"maxmemory-policy", "allkeys-lru"}} {
		if err := client.ConfigSet(ctx, kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	err = redisstore.CheckDurability(ctx, client)
	if !errors.As(err, &de) || len(de.Risks) != 2 || !strings.Contains(de.Risks[0], "allkeys-lru") {
		t.Fatalf("evicting policy: %v", err)
	}

	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	warn := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix() + "warn:", Logger: logger})
	rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
	if _, err := warn.Acquire(ctx, "k", rec, time.Minute); err != nil {
		t.Fatalf("DurabilityWarn refused: %v", err)
	}
	idemWaitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return strings.Contains(logs.String(), "allkeys-lru") })

	strict := redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix() + "strict:", Durability: redisstore.DurabilityRequire})
	if _, err := strict.Acquire(ctx, "k", rec, time.Minute); !errors.As(err, &de) {
		t.Fatalf("DurabilityRequire on a forgetful Redis: %v, want *DurabilityError", err)
	}
	for _, kv := range [][2]string{{"maxmemory-policy", "noeviction"}, {"appendonly", "yes"}} {
		if err := client.ConfigSet(ctx, kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := redisstore.CheckDurability(ctx, client); err != nil {
		t.Fatalf("noeviction and AOF: %v", err)
	}
	strict = redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix() + "strict2:", Durability: redisstore.DurabilityRequire})
	if _, err := strict.Acquire(ctx, "k", rec, time.Minute); err != nil {
		t.Fatalf("DurabilityRequire on a durable Redis: %v", err)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestIdempotencyWaitReplicas: with WaitReplicas, Acquire and Complete
// return only once that many replicas hold the write. The single node has
// none: Acquire fails with *NotReplicatedError and gives the lease back.
// Each cluster master has one: one acknowledgement arrives, two cannot.
func TestIdempotencyWaitReplicas(t *testing.T) {
	redistest.Each(t, func(t *testing.T, srv *redistest.Server) {
		client := rlClient(t, srv)
		ctx := context.Background()
		// A generous wait where acknowledgements must come (a loaded
		// machine may be slow to send them), a short one where none can.
		store := func(n int) *redisstore.IdempotencyStore {
			wait := 10 * time.Second
			if n == 2 || !srv.Cluster {
				wait = 50 * time.Millisecond
			}
			return redisstore.NewIdempotencyStore(client, redisstore.IdempotencyConfig{Prefix: srv.Prefix(),
				WaitReplicas: n, WaitTimeout: wait, Durability: redisstore.DurabilityIgnore})
		}
		acquire := func(s *redisstore.IdempotencyStore, key string) (*idempotency.Record, error) {
			rec := &idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken()}
			prev, err := s.Acquire(ctx, key, rec, time.Minute)
			if err == nil && prev == nil {
				done := &idempotency.Record{Status: idempotency.Completed, Token: rec.Token, Code: 201}
				err = s.Complete(ctx, key, done, time.Hour)
			}
			return prev, err
		}
		var nr *redisstore.NotReplicatedError
		if !srv.Cluster {
			if _, err := acquire(store(1), "no-replica"); !errors.As(err, &nr) || nr.Acked != 0 || nr.Op != "acquire" {
				t.Fatalf("no replica: %v, want *NotReplicatedError on acquire", err)
			}
			if prev, err := acquire(store(0), "no-replica"); prev != nil || err != nil {
				t.Fatalf("after the refused acquire: %v %v, want the key free (the lease given back)", prev, err)
			}
			return
		}
		for i := 0; i < 20; i++ { // keys on every master
			key := "replicated-" + string(rune('a'+i))
			if _, err := acquire(store(1), key); err != nil {
				t.Fatalf("%s with one replica acknowledging: %v", key, err)
			}
			if prev, err := acquire(store(1), key); err != nil || prev == nil || prev.Status != idempotency.Completed {
				t.Fatalf("%s replay: %v %v", key, prev, err)
			}
		}
		if _, err := acquire(store(2), "two-replicas"); !errors.As(err, &nr) || nr.Wanted != 2 {
			t.Fatalf("two replicas wanted, one exists: %v", err)
		}
	})
}
