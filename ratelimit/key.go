package ratelimit

import (
	"net"
	"net/http"

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
