package oidcauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apierr/apierr"
	jose "github.com/go-jose/go-jose/v4"
)

// With the keys past KeysTTL and the issuer failing, tokens with unknown key
// ids must not each fetch the JWKS again (once seen: 499 fetches in 2.5 s):
// one fetch per RefreshInterval, whatever the traffic, concurrent or not.
func TestUnknownKidsWhileIssuerDownFetchOncePerInterval(t *testing.T) {
	f := newFixture(t)
	f.v.cache = nil // every request must reach the key cache
	if r := f.call(t, "Bearer "+f.iss.sign(f.rs, f.iss.valid(f.clk.Now()))); r.status != 200 {
		t.Fatalf("first token: %d %s", r.status, r.raw)
	}
	f.iss.setDown(true)
	f.clk.Advance(2 * time.Hour) // past KeysTTL
	ghostKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, 100)
	for i := range tokens {
		tokens[i] = f.iss.sign(signingKey{fmt.Sprintf("ghost-%d", i), jose.ES256, ghostKey}, f.iss.valid(f.clk.Now()))
	}
	known := f.iss.sign(f.rs, f.iss.valid(f.clk.Now()))

	// burst sends every ghost token from 20 goroutines, 5 times over, and a
	// known token beside them, checking each answer.
	burst := func(t *testing.T) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for g := 0; g < 20; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for round := 0; round < 5; round++ {
					for i := g; i < len(tokens); i += 20 {
						_, err := f.v.Authenticate(context.Background(), tokens[i])
						if e := apierr.From(err); e == nil || e.Condition != apierr.CondUnavailable || e.Context["reason"] != ReasonIssuerUnreachable {
							errs <- fmt.Errorf("unknown kid while the issuer is down: %v; want 503 issuer_unreachable", err)
							return
						}
					}
					if _, err := f.v.Authenticate(context.Background(), known); err != nil {
						errs <- fmt.Errorf("known kid on stale keys: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}

	before := f.iss.jwksHits.Load()
	burst(t)
	if got := f.iss.jwksHits.Load() - before; got > 1 {
		t.Fatalf("600 requests within one RefreshInterval fetched the JWKS %d times; want at most 1", got)
	}
	for interval := 1; interval <= 3; interval++ {
		f.clk.Advance(5 * time.Second) // the default RefreshInterval
		before := f.iss.jwksHits.Load()
		burst(t)
		// The known kid may start the interval's fetch in the background:
		// let it finish before counting.
		f.v.keys.wait()
		if got := f.iss.jwksHits.Load() - before; got != 1 {
			t.Fatalf("interval %d: %d JWKS fetches; want exactly 1", interval, got)
		}
	}
}

// Auth0 names its issuers with a trailing slash ("https://x.auth0.com/") in
// the discovery document and in every token's iss: the comparison is exact,
// against what the provider's document states.
func TestIssuerWithTrailingSlash(t *testing.T) {
	for _, configured := range []string{"with the slash", "without the slash"} {
		t.Run("configured "+configured, func(t *testing.T) {
			iss := newIssuer(t)
			iss.docIssuer = iss.srv.URL + "/"
			rs := newSigningKey(t, "rsa-1", jose.RS256, 0)
			iss.publish(rs)
			clk := &clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
			issuer := iss.srv.URL
			if configured == "with the slash" {
				issuer += "/"
			}
			v, err := New(Config{Issuer: issuer, Audience: []string{audience}, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			c := iss.valid(clk.Now())
			c.Issuer = iss.srv.URL + "/"
			if _, err := v.Authenticate(context.Background(), iss.sign(rs, c)); err != nil {
				t.Fatalf("token whose iss is the discovery document's issuer: %v", err)
			}
			c.Issuer = iss.srv.URL // not what the provider states
			_, err = v.Authenticate(context.Background(), iss.sign(rs, c))
			if e := apierr.From(err); e == nil || e.Context["reason"] != ReasonWrongIssuer {
				t.Fatalf("iss without the document's slash: %v; want wrong_issuer", err)
			}
		})
	}
}

// wait returns once no key fetch is running.
func (c *keyCache) wait() {
	c.mu.Lock()
	ch := c.inflight
	c.mu.Unlock()
	if ch != nil {
		<-ch
	}
}
