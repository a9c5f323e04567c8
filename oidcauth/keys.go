package oidcauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// errUnknownKey means the issuer was reached and does not publish the key.
var errUnknownKey = errors.New("oidcauth: unknown key id")

// keyCache holds the issuer's JWKS. A lookup of an unknown kid refetches the
// set at most once per RefreshInterval; concurrent lookups share one fetch.
// Fetch failures are returned as errors other than errUnknownKey, so the
// caller can tell "the issuer is down" (503) from "no such key" (401).
type keyCache struct {
	cfg Config

	mu        sync.Mutex
	jwksURL   string
	keys      *jose.JSONWebKeySet
	fetchedAt time.Time
	lastTry   time.Time
	lastErr   error
	inflight  chan struct{} // closed when the running fetch ends
}

func newKeyCache(cfg Config) *keyCache { return &keyCache{cfg: cfg} }

// maxDocSize bounds discovery and JWKS documents.
const maxDocSize = 1 << 20

func (c *keyCache) lookup(ctx context.Context, kid, alg string) ([]jose.JSONWebKey, error) {
	now := c.cfg.Now()
	c.mu.Lock()
	if c.keys != nil {
		ks := match(c.keys, kid, alg)
		switch {
		case now.Sub(c.fetchedAt) < c.cfg.KeysTTL:
			if len(ks) > 0 {
				c.mu.Unlock()
				return ks, nil
			}
			// Unknown kid: refresh, but not more often than RefreshInterval.
			if now.Sub(c.lastTry) < c.cfg.RefreshInterval {
				c.mu.Unlock()
				return nil, errUnknownKey
			}
		case len(ks) > 0 && c.lastErr != nil:
			// Expired keys while the issuer is failing: a stale key set is
			// better than none, and no request waits for another fetch
			// that may hang for the client's whole timeout. One retry in
			// the background per RefreshInterval.
			if c.inflight == nil && now.Sub(c.lastTry) >= c.cfg.RefreshInterval {
				c.startLocked(ctx, now)
			}
			c.mu.Unlock()
			return ks, nil
		}
	} else if c.lastErr != nil && now.Sub(c.lastTry) < time.Second {
		// The issuer just failed: do not hammer it on every request.
		err := c.lastErr
		c.mu.Unlock()
		return nil, err
	}
	done := c.startLocked(ctx, now)
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	err := c.lastErr
	var ks []jose.JSONWebKey
	if c.keys != nil {
		// After a failed refresh, the stale set still serves known keys.
		ks = match(c.keys, kid, alg)
	}
	c.mu.Unlock()
	switch {
	case len(ks) > 0:
		return ks, nil
	case err != nil:
		return nil, err
	}
	return nil, errUnknownKey
}

// fetchTimeout bounds one discovery and JWKS fetch, whatever the HTTP
// client's own timeout: every caller waiting for keys waits on it.
const fetchTimeout = 30 * time.Second

// startLocked starts a fetch of the key set unless one is running, and
// returns the channel closed when it ends; c.mu is held. The fetch does not
// run under the context of the request that started it: that client hanging
// up must not fail the other requests waiting for the same keys (each
// waiter gives up on its own context instead).
func (c *keyCache) startLocked(ctx context.Context, now time.Time) <-chan struct{} {
	if c.inflight != nil {
		return c.inflight
	}
	ch := make(chan struct{})
	c.inflight = ch
	c.lastTry = now
	jwksURL := c.jwksURL
	go func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		keys, newURL, err := c.fetch(fctx, jwksURL)
		c.mu.Lock()
		c.inflight = nil
		c.lastErr = err
		if err == nil {
			c.jwksURL = newURL
			c.keys = keys
			c.fetchedAt = now
		}
		c.mu.Unlock()
		close(ch)
	}()
	return ch
}

func (c *keyCache) fetch(ctx context.Context, jwksURL string) (*jose.JSONWebKeySet, string, error) {
	if jwksURL == "" {
		var doc struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := c.getJSON(ctx, c.cfg.Issuer+"/.well-known/openid-configuration", &doc); err != nil {
			return nil, "", fmt.Errorf("oidcauth: discovery: %w", err)
		}
		if trimSlash(doc.Issuer) != c.cfg.Issuer {
			return nil, "", fmt.Errorf("oidcauth: discovery: document names issuer %q, want %q", doc.Issuer, c.cfg.Issuer)
		}
		u, err := url.Parse(doc.JWKSURI)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, "", fmt.Errorf("oidcauth: discovery: invalid jwks_uri %q", doc.JWKSURI)
		}
		jwksURL = doc.JWKSURI
	}
	var set jose.JSONWebKeySet
	if err := c.getJSON(ctx, jwksURL, &set); err != nil {
		return nil, "", fmt.Errorf("oidcauth: keys: %w", err)
	}
	// Keep only public, verification keys: a private or symmetric key in a
	// JWKS is a misconfiguration we refuse to use.
	pub := &jose.JSONWebKeySet{}
	for _, k := range set.Keys {
		if k.IsPublic() && k.Valid() && (k.Use == "" || k.Use == "sig") {
			pub.Keys = append(pub.Keys, k)
		}
	}
	return pub, jwksURL, nil
}

func (c *keyCache) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDocSize))
		return fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocSize+1))
	if err != nil {
		return err
	}
	if len(body) > maxDocSize {
		return fmt.Errorf("GET %s: document larger than %d bytes", u, maxDocSize)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// match returns the keys that may have signed a token with kid and alg.
func match(set *jose.JSONWebKeySet, kid, alg string) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, k := range set.Keys {
		if kid != "" && k.KeyID != kid {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != alg {
			continue
		}
		out = append(out, k)
	}
	return out
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
