package seedtest

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/apierr/apierr"
)

// Codes records the code of every error response a service logs: give
// Codes.Logger() to the service (its middleware.Stack logs one record per
// error response, with the code), then Cover checks that the tests triggered
// every code the catalog declares. Safe for concurrent use.
type Codes struct {
	mu   sync.Mutex
	seen map[string]int
}

// Logger returns a logger that records codes and prints nothing.
func (c *Codes) Logger() *slog.Logger { return slog.New(codeHandler{c}) }

type codeHandler struct{ c *Codes }

func (codeHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h codeHandler) WithAttrs([]slog.Attr) slog.Handler     { return h }
func (h codeHandler) WithGroup(string) slog.Handler          { return h }

func (h codeHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "code" {
			h.c.mu.Lock()
			if h.c.seen == nil {
				h.c.seen = map[string]int{}
			}
			h.c.seen[a.Value.String()]++
			h.c.mu.Unlock()
			return false
		}
		return true
	})
	return nil
}

// Missing returns the codes cat declares (fallbacks aside) that were never
// logged.
func (c *Codes) Missing(cat *apierr.Catalog) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, k := range cat.Codes() {
		if !k.Fallback && c.seen[k.ID] == 0 {
			out = append(out, k.ID)
		}
	}
	return out
}

// Cover runs the package's tests and then, when they passed and were not
// narrowed with -run, -skip or -short, fails if some code of cat was never
// triggered: the end-to-end tests must reach every documented code.
func Cover(m *testing.M, cat *apierr.Catalog, c *Codes) int {
	code := m.Run()
	if code != 0 || testing.Short() {
		return code
	}
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return code
		}
	}
	if missing := c.Missing(cat); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: no test triggered these codes of %s: %v\n", cat.Name(), missing)
		return 1
	}
	return code
}
