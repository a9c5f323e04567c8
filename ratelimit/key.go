package ratelimit

import (
	"math/bits"
	"net"
	"net/http"
	"reflect"

	"github.com/apierr/apierr"
)

// KeyFunc picks the key a request is limited under. "" means the request is
// not limited by this limiter (e.g. ByTenant before authentication).
type KeyFunc func(r *http.Request) string

// ByTenant keys by the authenticated principal's tenant ("t:" + tenant), ""
// without one.
func ByTenant(r *http.Request) string {
	if p := apierr.PrincipalFrom(r.Context()); p != nil && p.Tenant != "" {
		return "t:" + p.Tenant
	}
	return ""
}

// ByKeyID keys by the API key's ID ("k:" + key ID), "" without one.
func ByKeyID(r *http.Request) string {
	if p := apierr.PrincipalFrom(r.Context()); p != nil && p.KeyID != "" {
		return "k:" + p.KeyID
	}
	return ""
}

// ByIP keys by the client's IP as the connection shows it ("ip:" + address).
// Behind a proxy, write a KeyFunc that reads the header your proxy sets: a
// client can forge X-Forwarded-For, so ByIP does not trust it.
func ByIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if host == "" {
		return ""
	}
	return "ip:" + host
}

// ByTenantOrIP keys by tenant when authenticated, else by IP: the default.
func ByTenantOrIP(r *http.Request) string {
	if k := ByTenant(r); k != "" {
		return k
	}
	return ByIP(r)
}

// FirstOf returns a KeyFunc that tries fns in order and keeps the first
// non-empty key.
func FirstOf(fns ...KeyFunc) KeyFunc {
	return func(r *http.Request) string {
		for _, f := range fns {
			if k := f(r); k != "" {
				return k
			}
		}
		return ""
	}
}

// rlKeyKind names a built-in KeyFunc, which the Limiter runs as an append
// into a buffer of its own (its Prefix already in it) instead of calling it:
// the key is then built without a string allocation, and hashed where it
// lies when the store is the Memory store.
type rlKeyKind uint8

const (
	rlKeyCustom rlKeyKind = iota // any other KeyFunc: called, its string appended
	rlKeyTenant
	rlKeyKeyID
	rlKeyIP
	rlKeyTenantOrIP
	rlKeyClientIP // Config.ClientIP's Key
)

// rlKeyKindOf recognises the built-in KeyFuncs by their code pointer (a func
// value cannot be compared otherwise); anything else, FirstOf's closures
// included, is custom.
func rlKeyKindOf(f KeyFunc) rlKeyKind {
	switch reflect.ValueOf(f).Pointer() {
	case reflect.ValueOf(ByTenant).Pointer():
		return rlKeyTenant
	case reflect.ValueOf(ByKeyID).Pointer():
		return rlKeyKeyID
	case reflect.ValueOf(ByIP).Pointer():
		return rlKeyIP
	case reflect.ValueOf(ByTenantOrIP).Pointer():
		return rlKeyTenantOrIP
	}
	return rlKeyCustom
}

// appendKey appends r's key under kind to dst, exactly the bytes the
// KeyFunc would return; ok is false when the KeyFunc would return "".
func (kind rlKeyKind) appendKey(dst []byte, f KeyFunc, cip *ClientIP, r *http.Request) (_ []byte, ok bool) {
	switch kind {
	case rlKeyClientIP:
		return cip.AppendKey(dst, r)
	case rlKeyTenant, rlKeyKeyID, rlKeyTenantOrIP:
		if p := apierr.PrincipalFrom(r.Context()); p != nil {
			if kind != rlKeyKeyID && p.Tenant != "" {
				return append(append(dst, "t:"...), p.Tenant...), true
			}
			if kind == rlKeyKeyID && p.KeyID != "" {
				return append(append(dst, "k:"...), p.KeyID...), true
			}
		}
		if kind != rlKeyTenantOrIP {
			return dst, false
		}
		fallthrough
	case rlKeyIP:
		host := rlHost(r.RemoteAddr)
		if host == "" {
			return dst, false
		}
		return append(append(dst, "ip:"...), host...), true
	}
	k := f(r)
	return append(dst, k...), k != ""
}

// rlHost is ByIP's host: net.SplitHostPort's, or the whole address when
// that fails. The usual "a.b.c.d:port" (one colon, no brackets) is cut
// looking at eight bytes at a time; anything else goes through
// SplitHostPort (FuzzHost holds the two to each other).
func rlHost(addr string) string {
	if n := len(addr); n >= 8 {
		colons, at, brackets := 0, -1, uint64(0)
		for off := 0; off < n; off += 8 {
			var w uint64
			if off+8 <= n {
				w = rlLoad64(addr[off:])
			} else { // the last bytes, shifted down to start at off; zeros above
				w = rlLoad64(addr[n-8:]) >> (8 * (off + 8 - n))
			}
			c := rlBytesEqual(w, ':')
			if c != 0 && colons == 0 {
				at = off + bits.TrailingZeros64(c)/8
			}
			colons += bits.OnesCount64(c)
			brackets |= rlBytesEqual(w, '[') | rlBytesEqual(w, ']')
		}
		if colons == 1 && at > 0 && brackets == 0 {
			return addr[:at]
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// rlLoad64 reads s's first eight bytes as a little-endian word (one load).
func rlLoad64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// rlBytesEqual returns the high bit of every byte of w equal to c, exactly
// (no borrow from one byte to the next).
func rlBytesEqual(w uint64, c byte) uint64 {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	x := w ^ (0x0101010101010101 * uint64(c))
	return ^((x&lo7 + lo7) | x | lo7)
}
