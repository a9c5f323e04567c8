package ratelimit

import (
	"testing"
	"time"
)

func TestPolicyGCRA(t *testing.T) {
	p := Policy{Name: "s", Limit: 10, Period: time.Second, Burst: 3} // interval 100ms
	const ms = int64(1000)
	tests := []struct {
		name      string
		now, tat  int64
		cost      int64
		ok        bool
		newTAT    int64
		remaining int64
		reset     time.Duration
		retry     time.Duration
	}{
		{"idle key admits", 1000 * ms, 0, 1, true, 1100 * ms, 2, 100 * time.Millisecond, 0},
		{"last unit of the burst", 1000 * ms, 1200 * ms, 1, true, 1300 * ms, 0, 300 * time.Millisecond, 0},
		{"empty bucket refuses", 1000 * ms, 1300 * ms, 1, false, 1400 * ms, 0, 300 * time.Millisecond, 100 * time.Millisecond},
		{"weighted cost fits", 1000 * ms, 1000 * ms, 3, true, 1300 * ms, 0, 300 * time.Millisecond, 0},
		{"weighted cost too big now", 1000 * ms, 1100 * ms, 3, false, 1400 * ms, 2, 100 * time.Millisecond, 100 * time.Millisecond},
		{"stale tat counts as idle", 5000 * ms, 1000 * ms, 1, true, 5100 * ms, 2, 100 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, nt := p.GCRA(tt.now, tt.tat, tt.cost)
			if ok != tt.ok || nt != tt.newTAT {
				t.Fatalf("GCRA = %v, %d; want %v, %d", ok, nt, tt.ok, tt.newTAT)
			}
			stored := tt.tat
			if ok {
				stored = nt
			}
			s := p.StatusAt(tt.now, stored, tt.cost, ok)
			if s.Allowed != ok || s.Remaining != tt.remaining || s.Reset != tt.reset || s.RetryAfter != tt.retry {
				t.Fatalf("StatusAt = %+v; want allowed=%v remaining=%d reset=%v retry=%v", s, ok, tt.remaining, tt.reset, tt.retry)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		ok   bool
	}{
		{"per second", PerSecond(5), true},
		{"no name", Policy{Limit: 1, Period: time.Second}, false},
		{"zero limit", Policy{Name: "x", Period: time.Second}, false},
		{"zero period", Policy{Name: "x", Limit: 1}, false},
		{"negative burst", PerSecond(1).WithBurst(-1), false},
		{"quote in name", PerSecond(1).Named(`a"b`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestPolicyInterval(t *testing.T) {
	if got := PerSecond(3).Interval(); got != 333333 {
		t.Fatalf("interval = %d µs, want 333333", got)
	}
	if got := (Policy{Name: "x", Limit: 10, Period: time.Microsecond}).Interval(); got != 1 {
		t.Fatalf("interval floor = %d, want 1", got)
	}
}
