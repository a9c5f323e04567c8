package apierr

import (
	"strconv"
	"testing"
)

// BenchmarkForAcceptLanguage is what negotiation costs a request: a header
// seen before (one map lookup in the cache), and a header never seen
// (x/text's parser and matcher, as every header pays once).
//
//	go test -run '^$' -bench ForAcceptLanguage -benchmem -count=6 .
func BenchmarkForAcceptLanguage(b *testing.B) {
	c, err := LoadFile("testdata/i18n/errors.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range []string{"de", "fr;q=0.9, de;q=0.8", "ja"} {
		b.Run("cached/"+h, func(b *testing.B) {
			c.ForAcceptLanguage(h)
			b.ReportAllocs()
			for b.Loop() {
				if c.ForAcceptLanguage(h) == nil {
					b.Fatal("nil")
				}
			}
		})
	}
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			// A fresh matcher's cache fills up after 512 headers; these
			// all differ, so every one is parsed and matched.
			if c.matcher.index("de-x-"+strconv.Itoa(i%1000000)+", fr;q=0.5") < 0 {
				b.Fatal("no index")
			}
		}
	})
}
