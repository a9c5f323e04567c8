package apierr

import (
	"strconv"
	"sync"
	"testing"
)

// TestLanguageCacheBounded: the negotiation cache never holds more than
// maxLangCache headers, answers the same with and without it, and is safe
// for concurrent use (run with -race).
func TestLanguageCacheBounded(t *testing.T) {
	c := loadShop(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 600; i++ {
				h := "es-" + strconv.Itoa(g*1000+i) + ", de;q=0.5"
				if got := c.ForAcceptLanguage(h).Language(); got != "de" {
					t.Errorf("%q → %q, want de", h, got)
					return
				}
				if got := c.ForAcceptLanguage("fr;q=0.9, de;q=0.8").Language(); got != "fr" {
					t.Errorf("q-values → %q, want fr", got)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	if n := len(c.matcher.cache); n > maxLangCache {
		t.Errorf("cache holds %d headers, the bound is %d", n, maxLangCache)
	}
	long := make([]byte, maxAcceptLangLen*2)
	for i := range long {
		long[i] = 'a'
	}
	if got := c.ForAcceptLanguage(string(long)).Language(); got != "en" {
		t.Errorf("a 8 KiB header → %q", got)
	}
	if got := c.ForAcceptLanguage("de;q=0, fr;q=0.1").Language(); got != "fr" {
		t.Errorf("q=0 excludes: got %q", got)
	}
}
