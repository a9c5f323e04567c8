package ratelimit_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/apierr/apierr/ratelimit"
)

func mustTrusted(t testing.TB, list ...string) []netip.Prefix {
	t.Helper()
	p, err := ratelimit.ParseTrusted(list...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClientIP(t *testing.T) {
	trusted := mustTrusted(t, "10.0.0.0/8, 192.0.2.7", "2001:db8:ffff::/48")
	for _, tc := range []struct {
		name, remote, header string
		lines                []string
		want                 string
	}{
		{name: "untrusted peer: headers ignored", remote: "198.51.100.9:4000", lines: []string{"203.0.113.5"}, want: "198.51.100.9"},
		{name: "untrusted peer: Forwarded ignored", remote: "198.51.100.9:4000", header: "Forwarded", lines: []string{"for=203.0.113.5"}, want: "198.51.100.9"},
		{name: "trusted peer without header", remote: "10.1.2.3:4000", want: "10.1.2.3"},
		{name: "trusted peer: right-most entry", remote: "10.1.2.3:4000", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "forged entries left of the real one", remote: "10.1.2.3:4000", lines: []string{"1.1.1.1, 2.2.2.2, 203.0.113.5"}, want: "203.0.113.5"},
		{name: "chain of trusted proxies", remote: "10.1.2.3:4000", lines: []string{"1.1.1.1, 203.0.113.5, 192.0.2.7, 10.9.9.9"}, want: "203.0.113.5"},
		{name: "several header lines", remote: "10.1.2.3:4000", lines: []string{"1.1.1.1, 203.0.113.5", "192.0.2.7", "10.9.9.9"}, want: "203.0.113.5"},
		{name: "every hop trusted: left-most", remote: "10.1.2.3:4000", lines: []string{"10.0.0.1, 192.0.2.7"}, want: "10.0.0.1"},
		{name: "garbage entry: nearest trusted hop", remote: "10.1.2.3:4000", lines: []string{"1.1.1.1, not-an-ip, 10.9.9.9"}, want: "10.9.9.9"},
		{name: "entry with a port", remote: "10.1.2.3:4000", lines: []string{"203.0.113.5:5555"}, want: "203.0.113.5"},
		{name: "IPv6 entry with brackets and port", remote: "[2001:db8:ffff::1]:443", lines: []string{"[2001:db8::5]:5555"}, want: "2001:db8::5"},
		{name: "IPv4-mapped entry", remote: "10.1.2.3:4000", lines: []string{"::ffff:203.0.113.5"}, want: "203.0.113.5"},
		{name: "empty elements skipped", remote: "10.1.2.3:4000", lines: []string{"203.0.113.5,, ,"}, want: "203.0.113.5"},
		{name: "Forwarded: right-most for", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for=1.1.1.1, for=203.0.113.5;proto=https;by=10.1.2.3`}, want: "203.0.113.5"},
		{name: "Forwarded: quoted IPv6 with port", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`For="[2001:db8:cafe::17]:4711"`}, want: "2001:db8:cafe::17"},
		{name: "Forwarded: client's unterminated quote", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for="1.1.1.1, for=203.0.113.5`}, want: "203.0.113.5"},
		{name: "Forwarded: comma inside quotes", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for=203.0.113.5;ext="a,b"`}, want: "203.0.113.5"},
		{name: "Forwarded: unknown", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for=203.0.113.5, for=unknown`}, want: "10.1.2.3"},
		{name: "Forwarded: obfuscated", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for=_hidden`}, want: "10.1.2.3"},
		{name: "Forwarded: for twice in an element", remote: "10.1.2.3:4000", header: "Forwarded", lines: []string{`for=1.1.1.1;for=203.0.113.5`}, want: "10.1.2.3"},
		{name: "Forwarded: X-Forwarded-For not read", remote: "10.1.2.3:4000", header: "Forwarded", want: "10.1.2.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			name := "X-Forwarded-For"
			if tc.header != "" {
				name = tc.header
			}
			r.Header[name] = tc.lines
			if tc.header == "Forwarded" {
				r.Header["X-Forwarded-For"] = []string{"6.6.6.6"}
			} else {
				r.Header["Forwarded"] = []string{"for=6.6.6.6"}
			}
			c := ratelimit.ClientIP{Trusted: trusted, Header: tc.header}
			if got := c.Addr(r).String(); got != tc.want {
				t.Fatalf("Addr = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestClientIPKey(t *testing.T) {
	for _, tc := range []struct {
		remote string
		bits   int
		want   string
	}{
		{"203.0.113.5:1", 0, "ip:203.0.113.5"},
		{"[2001:db8:1:2:3:4:5:6]:1", 0, "ip:2001:db8:1:2::/64"},
		{"[2001:db8:1:2:3:4:5:6]:1", 48, "ip:2001:db8:1::/48"},
		{"[2001:db8:1:2:3:4:5:6]:1", 128, "ip:2001:db8:1:2:3:4:5:6"},
		{"@", 0, "ip:@"},
		{"", 0, ""},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		c := ratelimit.ClientIP{IPv6Bits: tc.bits}
		if got := c.Key(r); got != tc.want {
			t.Errorf("Key(%q, %d bits) = %q, want %q", tc.remote, tc.bits, got, tc.want)
		}
	}
}

func TestParseTrusted(t *testing.T) {
	got, err := ratelimit.ParseTrusted("10.0.0.0/8,192.0.2.7 ::1", "")
	if err != nil || len(got) != 3 || got[1].String() != "192.0.2.7/32" || got[2].String() != "::1/128" {
		t.Fatalf("ParseTrusted = %v, %v", got, err)
	}
	for _, bad := range []string{"10.0.0.1/8", "example.com", "10.0.0.0/33", "1.2.3"} {
		if _, err := ratelimit.ParseTrusted(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTrusted(%q) = %v, want an error naming it", bad, err)
		}
	}
}

// FuzzClientIP: any header never panics, and the client is the peer unless
// the peer is a trusted proxy; a forwarded address is never a trusted one
// unless every hop was.
func FuzzClientIP(f *testing.F) {
	f.Add("10.1.2.3:4000", "1.1.1.1, 203.0.113.5", false)
	f.Add("10.1.2.3:4000", `for="[2001:db8:cafe::17]:4711";proto=https, for=unknown`, true)
	f.Add("10.1.2.3:4000", `for="1.1.1.1, for=203.0.113.5`, true)
	f.Add("198.51.100.9:1", "203.0.113.5", false)
	f.Fuzz(func(t *testing.T, remote, header string, forwarded bool) {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		c := ratelimit.ClientIP{Trusted: fuzzTrusted}
		name := "X-Forwarded-For"
		if forwarded {
			c.Header, name = "Forwarded", "Forwarded"
		}
		r.Header[name] = strings.Split(header, "\n")
		got := c.Addr(r)
		_ = c.Key(r)
		peer := (&ratelimit.ClientIP{}).Addr(r)
		if !peer.IsValid() {
			if got.IsValid() {
				t.Fatalf("peer %q is no address, client %v", remote, got)
			}
			return
		}
		if got != peer && !fuzzTrusts(peer) {
			t.Fatalf("untrusted peer %v, client %v: the header was believed", peer, got)
		}
	})
}

var fuzzTrusted, _ = ratelimit.ParseTrusted("10.0.0.0/8", "::1")

func fuzzTrusts(a netip.Addr) bool {
	for _, p := range fuzzTrusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
