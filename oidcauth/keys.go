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

// keyCache holds the issuer's JWKS. Whatever the traffic, it fetches the set
// at most once per RefreshInterval (once a second until a first fetch
// succeeds): concurrent lookups share one fetch, and a lookup that needs a
// refresh within the interval of the last attempt gets that attempt's
// answer (the stale keys it left, its error, or "no such key") instead of a
// new fetch. Fetch failures are returned as errors other than
// errUnknownKey, so the caller can tell "the issuer is down" (503) from "no
// such key" (401).
type keyCache struct {
	cfg Config

	mu        sync.Mutex
	jwksURL   string
	issuer    string // as the discovery document states it
	keys      *jose.JSONWebKeySet
	fetchedAt time.Time
	lastTry   time.Time
	lastErr   error
	inflight  chan struct{} // closed when the running fetch ends
}

func newKeyCache(cfg Config) *keyCache { return &keyCache{cfg: cfg} }

// maxDocSize bounds discovery and JWKS documents.
const maxDocSize = 1 << 20

// lookup returns the keys that may have signed a token with kid and alg, and
// the issuer a token's iss must equal.
func (c *keyCache) lookup(ctx context.Context, kid, alg string) ([]jose.JSONWebKey, string, error) {
	now := c.cfg.Now()
	c.mu.Lock()
	var ks []jose.JSONWebKey
	if c.keys != nil {
		ks = match(c.keys, kid, alg)
		if len(ks) > 0 && now.Sub(c.fetchedAt) < c.cfg.KeysTTL {
			iss := c.issuer
			c.mu.Unlock()
			return ks, iss, nil
		}
	}
	// A refresh is wanted: the kid is unknown, or the keys are past
	// KeysTTL, or there are none yet.
	backoff := c.cfg.RefreshInterval
	if c.keys == nil {
		// Nothing to serve until a fetch succeeds: retry sooner.
		backoff = min(backoff, time.Second)
	}
	if c.inflight == nil && !c.lastTry.IsZero() && now.Sub(c.lastTry) < backoff {
		// The last attempt is recent: answer from it. Without this, every
		// unknown kid would fetch again once a failed fetch has returned.
		iss, err := c.issuer, c.lastErr
		c.mu.Unlock()
		switch {
		case len(ks) > 0:
			return ks, iss, nil // stale keys beat none
		case err != nil:
			return nil, "", err
		}
		return nil, "", errUnknownKey
	}
	if len(ks) > 0 && c.lastErr != nil {
		// Expired keys while the issuer is failing: a stale key set is
		// better than none, and no request waits for another fetch that
		// may hang for the client's whole timeout. The retry runs in the
		// background.
		c.startLocked(ctx, now)
		iss := c.issuer
		c.mu.Unlock()
		return ks, iss, nil
	}
	done := c.startLocked(ctx, now)
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
	c.mu.Lock()
	err, iss := c.lastErr, c.issuer
	ks = nil
	if c.keys != nil {
		// After a failed refresh, the stale set still serves known keys.
		ks = match(c.keys, kid, alg)
	}
	c.mu.Unlock()
	switch {
	case len(ks) > 0:
		return ks, iss, nil
	case err != nil:
		return nil, "", err
	}
	return nil, "", errUnknownKey
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
	jwksURL, issuer := c.jwksURL, c.issuer
	go func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		keys, newURL, newIssuer, err := c.fetch(fctx, jwksURL, issuer)
		c.mu.Lock()
		c.inflight = nil
		c.lastErr = err
		if err == nil {
			c.jwksURL = newURL
			c.issuer = newIssuer
			c.keys = keys
			c.fetchedAt = now
		}
		c.mu.Unlock()
		close(ch)
	}()
	return ch
}

// fetch gets the key set, after the discovery document when jwksURL is not
// known yet; it returns the keys, the JWKS URL and the issuer as the
// document states it (issuer is returned unchanged when discovery is
// skipped).
func (c *keyCache) fetch(ctx context.Context, jwksURL, issuer string) (*jose.JSONWebKeySet, string, string, error) {
	if jwksURL == "" {
		var doc struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := c.getJSON(ctx, c.cfg.Issuer+"/.well-known/openid-configuration", &doc); err != nil {
			return nil, "", "", fmt.Errorf("oidcauth: discovery: %w", err)
		}
		// The configured issuer may differ from the document's by a
		// trailing slash (Auth0 writes "https://x.auth0.com/"); from here
		// on, tokens are held to the document's spelling, exactly.
		if trimSlash(doc.Issuer) != c.cfg.Issuer {
			return nil, "", "", fmt.Errorf("oidcauth: discovery: document names issuer %q, want %q", doc.Issuer, c.cfg.Issuer)
		}
		u, err := url.Parse(doc.JWKSURI)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, "", "", fmt.Errorf("oidcauth: discovery: invalid jwks_uri %q", doc.JWKSURI)
		}
		jwksURL, issuer = doc.JWKSURI, doc.Issuer
	}
	var set jose.JSONWebKeySet
	if err := c.getJSON(ctx, jwksURL, &set); err != nil {
		return nil, "", "", fmt.Errorf("oidcauth: keys: %w", err)
	}
	// Keep only public, verification keys: a private or symmetric key in a
	// JWKS is a misconfiguration we refuse to use.
	pub := &jose.JSONWebKeySet{}
	for _, k := range set.Keys {
		if k.IsPublic() && k.Valid() && (k.Use == "" || k.Use == "sig") {
			pub.Keys = append(pub.Keys, k)
		}
	}
	return pub, jwksURL, issuer, nil
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
