package oidcauth

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// BenchmarkTokenCachePutFull is a cache at its bound taking new tokens (an
// API with more live tokens than CacheSize): each put must cost about the
// same whatever the size, not a scan of every entry under the lock that
// every request's get waits on.
func BenchmarkTokenCachePutFull(b *testing.B) {
	for _, size := range []int{1000, 10000} {
		b.Run(itoa(size), func(b *testing.B) {
			c := newTokenCache(size)
			now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			p := &apierr.Principal{Tenant: "t", Subject: "s", Scopes: []string{"a"}}
			var sum [32]byte
			for i := 0; i < size; i++ {
				binary.LittleEndian.PutUint64(sum[:], uint64(i))
				c.put(sum, p, now.Add(time.Hour), now)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				binary.LittleEndian.PutUint64(sum[:], uint64(size+i))
				c.put(sum, p, now.Add(time.Hour), now)
			}
		})
	}
}

// The cache never holds more than its bound, and a token just put is found.
func TestTokenCacheBound(t *testing.T) {
	c := newTokenCache(100)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	p := &apierr.Principal{Tenant: "t"}
	var sum [32]byte
	for i := 0; i < 1000; i++ {
		binary.LittleEndian.PutUint64(sum[:], uint64(i))
		c.put(sum, p, now.Add(time.Hour), now)
		if len(c.entries) > 100 {
			t.Fatalf("%d entries; bound 100", len(c.entries))
		}
		if _, ok := c.get(sum, now); !ok {
			t.Fatalf("token %d not found right after put", i)
		}
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
