package apierr

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// langMatcher picks a catalog's language for an Accept-Language header
// with x/text's matcher (which knows that de-AT speaks de, that nb reads
// no, and honours q-values) and remembers the answer per distinct header
// value, so a request pays one map lookup and no allocation.
type langMatcher struct {
	m     language.Matcher
	mu    sync.RWMutex
	cache map[string]int // header → index into langs
}

// Bounds of the negotiation cache: clients send few distinct headers, and
// a header no client would send is not worth remembering.
const (
	maxLangCache     = 512
	maxLangCacheKey  = 256
	maxAcceptLangLen = 4 << 10
)

func newLangMatcher(langs []string) *langMatcher {
	tags := make([]language.Tag, len(langs))
	for i, l := range langs {
		tags[i] = language.Make(l)
	}
	return &langMatcher{m: language.NewMatcher(tags), cache: map[string]int{}}
}

// index returns the index of the language that best serves header.
func (lm *langMatcher) index(header string) int {
	lm.mu.RLock()
	i, ok := lm.cache[header]
	lm.mu.RUnlock()
	if ok {
		return i
	}
	h := header
	if len(h) > maxAcceptLangLen {
		h = h[:maxAcceptLangLen]
	}
	i = matchAcceptLanguage(lm.m, h)
	if len(header) <= maxLangCacheKey {
		lm.mu.Lock()
		if len(lm.cache) >= maxLangCache {
			// Full (headers nobody sends twice, or a flood of made-up
			// ones): start again, so the headers real clients repeat
			// come back at once.
			clear(lm.cache)
		}
		lm.cache[header] = i
		lm.mu.Unlock()
	}
	return i
}

// matchAcceptLanguage returns the index of the supported language that
// best serves an Accept-Language header. x/text refuses a whole header for
// one entry it cannot parse ("es-1000" among good ones); here such an entry
// is skipped and the others still count, by q-value.
func matchAcceptLanguage(m language.Matcher, header string) int {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		type weighted struct {
			tag language.Tag
			q   float32
		}
		var ok []weighted
		for part := range strings.SplitSeq(header, ",") {
			if ts, qs, err := language.ParseAcceptLanguage(part); err == nil && len(ts) == 1 {
				ok = append(ok, weighted{ts[0], qs[0]})
			}
		}
		slices.SortStableFunc(ok, func(a, b weighted) int { return cmp.Compare(b.q, a.q) })
		tags = tags[:0]
		for _, w := range ok {
			tags = append(tags, w.tag)
		}
	}
	if len(tags) == 0 {
		return 0
	}
	_, i, conf := m.Match(tags...)
	if conf == language.No {
		return 0
	}
	return i
}

// ForAcceptLanguage returns the catalog in the language that best serves a
// client whose Accept-Language header is acceptLanguage: the view Localized
// returns for it, or the catalog itself for its own language, for an empty
// header, for languages it has no translation into and for a catalog with
// one language. Preferences are weighed by q-value; a regional variant is
// served by its language (de-AT by de). A view always answers with itself.
// The answer for each distinct header is remembered (up to 512 of them;
// past that the memory starts afresh), so a repeated header costs one map
// lookup and no allocation; a header never seen costs x/text's parser and
// matcher.
func (c *Catalog) ForAcceptLanguage(acceptLanguage string) *Catalog {
	if c.base != nil || len(c.views) < 2 || acceptLanguage == "" {
		return c
	}
	return c.views[c.matcher.index(acceptLanguage)]
}

// CatalogFor returns the catalog that renders r's errors (CatalogFrom) in
// the language r's Accept-Language asks for (ForAcceptLanguage): a handler
// that words a message itself takes its words from it, e.g. with
// FieldMessage.
func CatalogFor(r *http.Request) *Catalog {
	return CatalogFrom(r.Context()).ForAcceptLanguage(r.Header.Get("Accept-Language"))
}

var (
	varyLanguageValue       = []string{"Accept-Language"}
	varyAcceptLanguageValue = []string{"Accept", "Accept-Language"}
)

// varyLanguage adds Accept-Language to h's Vary, once, keeping what is
// there; the common cases share one value and do not allocate.
func varyLanguage(h http.Header) {
	v := h["Vary"]
	switch {
	case len(v) == 0:
		h["Vary"] = varyLanguageValue
		return
	case len(v) == 1 && &v[0] == &varyAcceptValue[0]:
		h["Vary"] = varyAcceptLanguageValue
		return
	}
	if !hasVary(v, "Accept-Language") {
		h["Vary"] = append(v[:len(v):len(v)], "Accept-Language")
	}
}

// hasVary reports whether the Vary lines v name name (or *).
func hasVary(v []string, name string) bool {
	for _, line := range v {
		for _, n := range strings.Split(line, ",") {
			if n = strings.TrimSpace(n); n == "*" || strings.EqualFold(n, name) {
				return true
			}
		}
	}
	return false
}
