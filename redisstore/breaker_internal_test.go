package redisstore

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

type fakeRedisError string

func (e fakeRedisError) Error() string { return string(e) }
func (fakeRedisError) RedisError()     {}

var _ redis.Error = fakeRedisError("")

// TestBreaker: closed → open after `after` failures for want of Redis →
// one probe when the cool-down ends → closed on its success, open again on
// its failure. Replies from Redis and cancelled callers never count.
func TestBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBreaker(time.Second, 3)
	b.now = func() time.Time { return now }
	down := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	call := func(err error) (ok, probe bool) {
		ok, probe = b.enter()
		if ok {
			b.exit(probe, err)
		}
		return ok, probe
	}
	for i := 0; i < 5; i++ {
		if ok, _ := call(fakeRedisError("ERR script")); !ok {
			t.Fatal("a Redis reply opened the breaker")
		}
		if ok, _ := call(context.Canceled); !ok {
			t.Fatal("a cancelled caller opened the breaker")
		}
	}
	call(down)
	call(down)
	call(nil) // a success in between resets the count
	for i := 0; i < 3; i++ {
		if ok, _ := call(down); !ok {
			t.Fatalf("call %d refused before 3 consecutive failures", i)
		}
	}
	if ok, _ := b.enter(); ok {
		t.Fatal("open breaker let a call through")
	}
	now = now.Add(time.Second)
	ok, probe := b.enter()
	if !ok || !probe {
		t.Fatalf("after the cool-down: ok=%v probe=%v, want the probe", ok, probe)
	}
	if ok, _ := b.enter(); ok {
		t.Fatal("a second call went through while the probe is out")
	}
	b.exit(true, context.DeadlineExceeded) // the probe failed: open again
	if ok, _ := b.enter(); ok {
		t.Fatal("the breaker did not reopen after a failed probe")
	}
	now = now.Add(time.Second)
	if ok, probe := call(nil); !ok || !probe {
		t.Fatal("no probe after the second cool-down")
	}
	for i := 0; i < 3; i++ {
		if ok, probe := b.enter(); !ok || probe {
			t.Fatalf("after a good probe: ok=%v probe=%v, want closed", ok, probe)
		}
	}
	off := newBreaker(-1, 0)
	for i := 0; i < 10; i++ {
		if ok, _ := off.enter(); !ok {
			t.Fatal("a disabled breaker opened")
		}
		off.exit(false, down)
	}
}
