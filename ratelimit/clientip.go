package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"unsafe"
)

// ClientIP finds the address of a request's client behind trusted
// proxies, for keying limits by client (ByIP reads the connection only).
// Its zero value trusts no proxy: the client is the connection's peer.
//
// A forwarding header is read only when the peer is a trusted proxy, and
// then from the right: each proxy appends the address it saw, so the
// right-most address that is not a trusted proxy is the client (the
// addresses to its left were written by that client or by proxies nobody
// vouches for). Should that entry be unusable ("unknown", an obfuscated
// identifier, garbage), the client is taken to be the nearest trusted hop:
// a client cannot pick its own key either way.
type ClientIP struct {
	// Trusted lists the proxies whose forwarding header is believed (see
	// ParseTrusted). Empty: none; the headers are ignored.
	Trusted []netip.Prefix
	// Header names the header the trusted proxies set: "X-Forwarded-For"
	// (the default) or "Forwarded" (RFC 7239, its for= parameter). Only
	// that one is read: a proxy that sets one passes the other on as the
	// client sent it.
	Header string
	// IPv6Bits is how many leading bits of an IPv6 client address Key
	// keeps (default 64): one subscriber is usually given a whole /64, so
	// keying single addresses would let one client use 2⁶⁴ keys. 128 keys
	// each address.
	IPv6Bits int
}

// ParseTrusted parses proxy addresses and CIDR prefixes ("10.0.0.0/8",
// "192.0.2.7", "2001:db8::/32"); each argument may hold several, separated
// by commas or spaces. A prefix with host bits set is refused: "10.0.0.1/8"
// is more likely a typo than a wish to trust 10.0.0.0/8.
func ParseTrusted(list ...string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, arg := range list {
		for _, s := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.Contains(s, "/") {
				p, err := netip.ParsePrefix(s)
				if err != nil {
					return nil, fmt.Errorf("ratelimit: trusted proxy %q: not an address or CIDR prefix", s)
				}
				if p != p.Masked() {
					return nil, fmt.Errorf("ratelimit: trusted proxy %q: host bits set (did you mean %s?)", s, p.Masked())
				}
				out = append(out, p)
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("ratelimit: trusted proxy %q: not an address or CIDR prefix", s)
			}
			a = a.Unmap().WithZone("")
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}

// Addr returns r's client address, or the zero Addr when the connection's
// peer is not an IP address (a Unix socket, a test's made-up RemoteAddr).
func (c *ClientIP) Addr(r *http.Request) netip.Addr {
	peer, ok := parseNode(r.RemoteAddr)
	if !ok {
		return netip.Addr{}
	}
	if !c.trusts(peer) {
		return peer
	}
	forwarded := strings.EqualFold(c.Header, "Forwarded")
	name := "X-Forwarded-For"
	if forwarded {
		name = "Forwarded"
	}
	last := peer
	lines := r.Header[name]
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		for line != "" {
			var elem string
			if forwarded {
				line, elem = lastForwardedElement(line)
			} else {
				line, elem = lastListElement(line)
			}
			if elem == "" {
				continue // empty list elements are ignored (RFC 9110 §5.6.1)
			}
			var a netip.Addr
			if forwarded {
				a, ok = forwardedFor(elem)
			} else {
				a, ok = parseNode(elem)
			}
			if !ok {
				return last
			}
			if !c.trusts(a) {
				return a
			}
			last = a
		}
	}
	return last
}

// Key is a KeyFunc: "ip:" and r's client address, an IPv6 address cut to
// its first IPv6Bits bits ("ip:2001:db8:1:2::/64"). A peer that is not an
// IP address is keyed by RemoteAddr as it is; none at all is not limited.
// It allocates the string; a Limiter given the ClientIP itself
// (Config.ClientIP) builds the same key in a buffer of its own.
func (c *ClientIP) Key(r *http.Request) string {
	b, ok := c.AppendKey(make([]byte, 0, 48), r)
	if !ok {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is never written again
}

// AppendKey appends the bytes of Key(r) to dst; ok is false when Key(r)
// is "" (the request is not limited).
func (c *ClientIP) AppendKey(dst []byte, r *http.Request) (_ []byte, ok bool) {
	a := c.Addr(r)
	if !a.IsValid() {
		if r.RemoteAddr == "" {
			return dst, false
		}
		return append(append(dst, "ip:"...), r.RemoteAddr...), true
	}
	dst = append(dst, "ip:"...)
	if a.Is6() {
		bits := c.IPv6Bits
		if bits <= 0 || bits > 128 {
			bits = 64
		}
		if bits < 128 {
			p, _ := a.Prefix(bits)
			return p.AppendTo(dst), true
		}
	}
	return a.AppendTo(dst), true
}

// ByClientIP returns ClientIP{Trusted: trusted}.Key: the client address
// behind the trusted proxies' X-Forwarded-For.
func ByClientIP(trusted ...netip.Prefix) KeyFunc {
	c := &ClientIP{Trusted: trusted}
	return c.Key
}

func (c *ClientIP) trusts(a netip.Addr) bool {
	for _, p := range c.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseNode parses an address as X-Forwarded-For entries and RemoteAddr
// carry it: "192.0.2.1", "192.0.2.1:443", "2001:db8::1", "[2001:db8::1]"
// or "[2001:db8::1]:443". An IPv4-mapped address is unmapped and a zone
// dropped, so one client has one key.
func parseNode(s string) (netip.Addr, bool) {
	// With a port first (RemoteAddr always has one): a failed parse
	// allocates its error.
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		if ap, err := netip.ParseAddrPort(s); err == nil {
			return ap.Addr().Unmap().WithZone(""), true
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
			a, err = netip.ParseAddr(s[1 : len(s)-1])
		} else if host, _, err2 := net.SplitHostPort(s); err2 == nil {
			a, err = netip.ParseAddr(host) // a port that is not a number (an obfuscated one)
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// lastListElement splits the last comma-separated element, trimmed, off a
// list header line.
func lastListElement(line string) (rest, elem string) {
	i := strings.LastIndexByte(line, ',')
	elem = strings.Trim(line[i+1:], " \t")
	if i < 0 {
		return "", elem
	}
	return line[:i], elem
}

// lastForwardedElement splits the last forwarded-element off a Forwarded
// line, scanning from the right so that whatever a client wrote to the
// left (an unterminated quote, say) cannot change how the elements the
// proxies appended are read. A comma inside a quoted string does not
// split.
func lastForwardedElement(line string) (rest, elem string) {
	inQuote := false
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case '"':
			// Escaped when preceded by an odd number of backslashes.
			n := 0
			for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				inQuote = !inQuote
			}
		case ',':
			if !inQuote {
				return line[:i], strings.Trim(line[i+1:], " \t")
			}
		}
	}
	return "", strings.Trim(line, " \t")
}

// forwardedFor returns the address of a forwarded-element's for=
// parameter: false when it has none, has it twice, or names no IP address
// ("unknown", an obfuscated identifier, a malformed value).
func forwardedFor(elem string) (netip.Addr, bool) {
	var value string
	found := false
	for elem != "" {
		var pair string
		pair, elem = nextPair(elem)
		name, v, ok := strings.Cut(pair, "=")
		if !ok {
			if strings.Trim(pair, " \t") == "" {
				continue
			}
			return netip.Addr{}, false
		}
		if !strings.EqualFold(strings.Trim(name, " \t"), "for") {
			continue
		}
		if found {
			return netip.Addr{}, false // a parameter occurs once per element (RFC 7239 §4)
		}
		found = true
		value = strings.Trim(v, " \t")
	}
	if !found {
		return netip.Addr{}, false
	}
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		var ok bool
		if value, ok = unquote(value[1 : len(value)-1]); !ok {
			return netip.Addr{}, false
		}
	}
	return parseNode(value)
}

// nextPair splits the first ';'-separated pair off a forwarded-element,
// a ';' inside a quoted string not splitting.
func nextPair(elem string) (pair, rest string) {
	inQuote := false
	for i := 0; i < len(elem); i++ {
		switch c := elem[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ';' && !inQuote:
			return elem[:i], elem[i+1:]
		}
	}
	return elem, ""
}

// unquote undoes a quoted string's quoted-pairs; false for a lone quote
// or a trailing backslash.
func unquote(s string) (string, bool) {
	if !strings.ContainsAny(s, `\"`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i++; i == len(s) {
				return "", false
			}
		case '"':
			return "", false
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}
