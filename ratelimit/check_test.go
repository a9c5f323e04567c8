package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// The middleware's check avoids the allocations of the general path (a key
// string, a Status buffer, a formatted header value); these tests hold it to
// the same answers as the general path.

func rlRequest(remoteAddr string, p *apierr.Principal) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = remoteAddr
	if p != nil {
		st := apierr.NewState(nil, "req-1")
		st.SetPrincipal(p)
		r = r.WithContext(apierr.NewContext(r.Context(), st))
	}
	return r
}

func TestAppendKeyIsTheKeyFunc(t *testing.T) {
	funcs := []struct {
		name string
		f    KeyFunc
		kind rlKeyKind
	}{
		{"ByTenant", ByTenant, rlKeyTenant},
		{"ByKeyID", ByKeyID, rlKeyKeyID},
		{"ByIP", ByIP, rlKeyIP},
		{"ByTenantOrIP", ByTenantOrIP, rlKeyTenantOrIP},
		{"FirstOf", FirstOf(ByKeyID, ByIP), rlKeyCustom},
		{"custom", func(r *http.Request) string { return r.Header.Get("X-Client") }, rlKeyCustom},
		{"KeyFunc conversion", KeyFunc(ByKeyID), rlKeyKeyID},
	}
	requests := []struct {
		name string
		r    *http.Request
	}{
		{"ipv4 with port, no principal", rlRequest("192.0.2.1:1234", nil)},
		{"ipv6 with port", rlRequest("[2001:db8::1]:443", nil)},
		{"address without port", rlRequest("192.0.2.7", nil)},
		{"no address", rlRequest("", nil)},
		{"tenant and key", rlRequest("192.0.2.1:1", &apierr.Principal{Tenant: "acme", KeyID: "key_1"})},
		{"key without tenant", rlRequest("192.0.2.1:1", &apierr.Principal{KeyID: "key_2"})},
		{"tenant without key", rlRequest("192.0.2.1:1", &apierr.Principal{Tenant: "globex"})},
		{"empty principal, no address", rlRequest("", &apierr.Principal{})},
		{"port only", rlRequest(":80", nil)},
		{"empty port", rlRequest("192.0.2.1:", nil)},
		{"two colons", rlRequest("192.0.2.1:1:2", nil)},
		{"bracket in port", rlRequest("192.0.2.1:[1]", nil)},
		{"bracketed ipv6 without port", rlRequest("[2001:db8::1]", nil)},
		{"unix socket", rlRequest("@", nil)},
	}
	for _, fn := range funcs {
		if got := rlKeyKindOf(fn.f); got != fn.kind {
			t.Errorf("%s: kind %d, want %d", fn.name, got, fn.kind)
		}
		for _, rq := range requests {
			t.Run(fn.name+"/"+rq.name, func(t *testing.T) {
				rq.r.Header.Set("X-Client", "client-9")
				want := fn.f(rq.r)
				got, ok := rlKeyKindOf(fn.f).appendKey([]byte("rl:"), fn.f, nil, rq.r)
				if string(got) != "rl:"+want || ok != (want != "") {
					t.Errorf("appendKey = %q, %v; the KeyFunc says %q", got, ok, want)
				}
			})
		}
	}
	// Config.ClientIP: the limiter's append is ClientIP.Key, behind a
	// trusted proxy and not, IPv4 and IPv6 (cut to /64), and no address.
	cip := &ClientIP{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, rq := range []*http.Request{
		rlRequest("192.0.2.1:1234", nil), rlRequest("[2001:db8:1:2:3::1]:443", nil),
		rlRequest("10.0.0.1:80", nil), rlRequest("", nil), rlRequest("@", nil),
	} {
		rq.Header.Set("X-Forwarded-For", "198.51.100.9, 10.0.0.2")
		want := cip.Key(rq)
		got, ok := rlKeyClientIP.appendKey([]byte("rl:"), nil, cip, rq)
		if string(got) != "rl:"+want || ok != (want != "") {
			t.Errorf("ClientIP %q: appendKey = %q, %v; Key says %q", rq.RemoteAddr, got, ok, want)
		}
	}
	if l := New(Config{Policies: []Policy{PerSecond(1)}, ClientIP: cip}); l.keyKind != rlKeyClientIP || l.cfg.Key == nil {
		t.Errorf("Config.ClientIP: key kind %d", l.keyKind)
	}
	if l := New(Config{Policies: []Policy{PerSecond(1)}, ClientIP: cip, Key: ByKeyID}); l.keyKind != rlKeyKeyID {
		t.Errorf("Config.ClientIP beside Key: key kind %d, want Key's", l.keyKind)
	}
}

// rlOpaque hides a Memory store behind the Store interface: the limiter then
// takes its general path (key string, pooled Status buffer).
type rlOpaque struct{ m *Memory }

func (o rlOpaque) Allow(ctx context.Context, key string, cost int64, p []Policy, out []Status) (bool, error) {
	return o.m.Allow(ctx, key, cost, p, out)
}

func TestMiddlewareFastPathAnswersAsTheGeneralPath(t *testing.T) {
	for _, policies := range [][]Policy{
		{PerSecond(2).WithBurst(3)},
		{PerMinute(3).Named("burst"), PerDay(1000)},
		{PerSecond(5), PerMinute(20), PerHour(100), PerDay(1000), Policy{Name: "week", Limit: 5000, Period: 7 * 24 * time.Hour}},
	} {
		t.Run(fmt.Sprint(len(policies), " policies"), func(t *testing.T) {
			clk := rlNewClock()
			fast := New(Config{Policies: policies, Store: NewMemory(MemoryConfig{Now: clk.Now}), LegacyHeaders: true})
			slow := New(Config{Policies: policies, Store: rlOpaque{NewMemory(MemoryConfig{Now: clk.Now})}, LegacyHeaders: true})
			if fast.mem == nil || slow.mem != nil {
				t.Fatal("the limiters do not take the two paths")
			}
			hf, hs := fast.Middleware(rlOK), slow.Middleware(rlOK)
			codes := map[int]int{}
			for i := range 40 {
				addr := []string{"192.0.2.1:1", "192.0.2.2:1"}[i%3/2]
				wf, ws := httptest.NewRecorder(), httptest.NewRecorder()
				hf.ServeHTTP(wf, rlRequest(addr, nil))
				hs.ServeHTTP(ws, rlRequest(addr, nil))
				if wf.Code != ws.Code || fmt.Sprint(wf.Header()) != fmt.Sprint(ws.Header()) || wf.Body.String() != ws.Body.String() {
					t.Fatalf("request %d:\nfast %d %v %s\nslow %d %v %s", i, wf.Code, wf.Header(), wf.Body, ws.Code, ws.Header(), ws.Body)
				}
				codes[wf.Code]++
				clk.Advance(time.Duration(i%4) * 150 * time.Millisecond)
			}
			if codes[http.StatusNoContent] == 0 || codes[http.StatusTooManyRequests] == 0 {
				t.Errorf("statuses %v: want both admitted and refused checks", codes)
			}
		})
	}
}

func TestMiddlewareAndAllowShareAKey(t *testing.T) {
	clk := rlNewClock()
	lim := New(Config{Policies: []Policy{PerMinute(3)}, Store: NewMemory(MemoryConfig{Now: clk.Now}), Key: ByKeyID})
	h := lim.Middleware(rlOK)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, rlRequest("192.0.2.1:1", &apierr.Principal{Tenant: "acme", KeyID: "key_1"}))
	if got := w.Header().Get("RateLimit"); got != `"minute";r=2;t=20` {
		t.Fatalf("RateLimit = %q", got)
	}
	res, err := lim.Allow(context.Background(), "k:key_1", 1)
	if err != nil || res.Statuses[0].Remaining != 1 {
		t.Fatalf("Allow after the middleware: %+v, %v; want 1 remaining", res, err)
	}
}

func TestFieldCacheValues(t *testing.T) {
	policies := []Policy{PerSecond(10).WithBurst(20), PerMinute(300), PerDay(100000), PerHour(7).Named("h.x-1_")}
	var c rlFieldCache
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		n := 1 + rnd.IntN(len(policies))
		st := make([]Status, n)
		for j := range st {
			// Few distinct values, so slots are hit, missed and overwritten.
			st[j] = Status{Policy: &policies[j], Remaining: rnd.Int64N(25), Reset: time.Duration(rnd.Int64N(3000)) * time.Millisecond}
		}
		got := c.value(st)
		want := string(AppendRateLimitField(nil, st))
		if len(got) != 1 || got[0] != want {
			t.Fatalf("check %d: %q, want %q", i, got, want)
		}
		if cap(got) != 1 {
			t.Fatalf("check %d: a shared value with cap %d: an Add would write into it", i, cap(got))
		}
	}
	long := make([]Status, 5)
	for j := range long {
		long[j] = Status{Policy: &Policy{Name: strings.Repeat("p", 40) + fmt.Sprint(j), Limit: 1 << 40}, Remaining: 1 << 39}
	}
	if got, want := c.value(long), string(AppendRateLimitField(nil, long)); got[0] != want {
		t.Fatalf("5 long policies: %q, want %q", got, want)
	}
	if got, want := c.value(long[:4]), string(AppendRateLimitField(nil, long[:4])); got[0] != want || len(want) <= 96 {
		t.Fatalf("4 long policies (%d bytes): %q, want %q", len(want), got, want)
	}
}

func TestMiddlewareCheckAllocatesNothing(t *testing.T) {
	if rlRace {
		t.Skip("the race detector allocates")
	}
	for _, tt := range []struct {
		name string
		cfg  Config
		r    *http.Request
	}{
		{"default key (IP), one policy", Config{Policies: []Policy{PerSecond(1_000_000).WithBurst(1 << 40)}}, rlRequest("192.0.2.1:1", nil)},
		{"ByKeyID, two policies", Config{Policies: []Policy{PerSecond(1_000_000).WithBurst(1 << 40), PerDay(1_000_000_000).WithBurst(1 << 40)}, Key: ByKeyID},
			rlRequest("192.0.2.1:1", &apierr.Principal{Tenant: "acme", KeyID: "key_1"})},
		{"custom key", Config{Policies: []Policy{PerSecond(1_000_000).WithBurst(1 << 40)}, Key: func(*http.Request) string { return "fixed" }}, rlRequest("", nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A stopped clock: each check spends a microsecond of the
			// burst, so "t" stays put for a million checks.
			tt.cfg.Store = NewMemory(MemoryConfig{Now: rlNewClock().Now})
			h := New(tt.cfg).Middleware(rlOK)
			w := &rlHeaderWriter{h: http.Header{}}
			// The first checks format their RateLimit value, and keep it
			// one time in rlFieldAdmit: after 200, the odds it is not kept
			// are 1e-11.
			for range 200 {
				h.ServeHTTP(w, tt.r)
			}
			if w.h.Get("RateLimit") == "" {
				t.Fatalf("no RateLimit field: %v", w.h)
			}
			if n := testing.AllocsPerRun(1000, func() { clear(w.h); h.ServeHTTP(w, tt.r) }); n != 0 {
				t.Errorf("%v allocations per check, want 0", n)
			}
		})
	}
}

type rlHeaderWriter struct{ h http.Header }

func (w *rlHeaderWriter) Header() http.Header         { return w.h }
func (w *rlHeaderWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *rlHeaderWriter) WriteHeader(int)             {}

func TestRequestCheckFastPathAnswersAsTheGeneralPath(t *testing.T) {
	clk := rlNewClock()
	policies := []Policy{PerMinute(3).Named("failures")}
	fast := New(Config{Policies: policies, Store: NewMemory(MemoryConfig{Now: clk.Now}), Key: ByIP})
	slow := New(Config{Policies: policies, Store: rlOpaque{NewMemory(MemoryConfig{Now: clk.Now})}, Key: ByIP})
	refused := 0
	for i := range 30 {
		r := rlRequest([]string{"192.0.2.1:1", "192.0.2.2:1"}[i%3/2], nil)
		for _, charge := range []bool{false, true, i%2 == 0} {
			do := func(l *Limiter) error {
				if charge {
					return l.ChargeRequest(r)
				}
				return l.CheckRequest(r)
			}
			ef, es := do(fast), do(slow)
			hdr := func(err error) http.Header {
				if err == nil {
					return nil
				}
				return apierr.From(err).Header
			}
			if fmt.Sprint(ef) != fmt.Sprint(es) || fmt.Sprint(hdr(ef)) != fmt.Sprint(hdr(es)) {
				t.Fatalf("check %d (charge %v): fast %v %v, slow %v %v", i, charge, ef, hdr(ef), es, hdr(es))
			}
			if ef != nil {
				refused++
			}
		}
		clk.Advance(time.Duration(i%5) * 3 * time.Second)
	}
	if refused == 0 {
		t.Fatal("no check was refused")
	}
	if rlRace {
		return
	}
	r := rlRequest("192.0.2.9:1", nil)
	if n := testing.AllocsPerRun(100, func() { _ = fast.CheckRequest(r) }); n != 0 {
		t.Errorf("CheckRequest of an admitted address: %v allocations, want 0", n)
	}
}

// FuzzHost holds ByIP's fast cut of "a.b.c.d:port" to net.SplitHostPort.
func FuzzHost(f *testing.F) {
	for _, s := range []string{"192.0.2.1:1234", "[2001:db8::1]:443", "192.0.2.7", "", ":80", "192.0.2.1:", "a:b:c", "x:[1]", "[::1]", "@", "h]:1", "[h:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		want, _, err := net.SplitHostPort(addr)
		if err != nil {
			want = addr
		}
		if got := rlHost(addr); got != want {
			t.Fatalf("rlHost(%q) = %q, want %q", addr, got, want)
		}
	})
}
