package apierrfiber_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/middleware"
	"github.com/gofiber/fiber/v2"
)

// A flood of one code writes its first records and then one count, as
// Stack's sampling does on net/http; another code keeps its own budget.
func TestFiberLogSampling(t *testing.T) {
	logs := &logBuf{}
	var fire func()
	app := apierrfiber.Config{
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Sampling: middleware.Sampling{First: 2, Interval: time.Hour,
			AfterFunc: func(_ time.Duration, f func()) func() bool { fire = f; return func() bool { return true } }},
		Fiber: fiber.Config{DisableStartupMessage: true},
	}.New()
	app.Get("/forbidden", func(c *fiber.Ctx) error { return apierr.Cond(apierr.CondForbidden) })
	base := serve(t, app)
	get := func(path string, want int) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	for range 10 {
		get("/nowhere", http.StatusNotFound)
	}
	get("/forbidden", http.StatusForbidden)
	if fire == nil {
		t.Fatal("no timer armed for the pending count")
	}
	fire() // the window's end
	var full, summaries []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(logs.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if m["msg"] == "apierr: error response" {
			full = append(full, m)
		} else {
			summaries = append(summaries, m)
		}
	}
	var notFound int
	for _, m := range full {
		if m["code"] == "endpoint_not_found" {
			notFound++
		}
	}
	if notFound != 2 || len(full) != 3 {
		t.Errorf("%d full records (%d endpoint_not_found), want 3 (2): %v", len(full), notFound, full)
	}
	if len(summaries) != 1 || summaries[0]["suppressed"] != float64(8) || summaries[0]["code"] != "endpoint_not_found" ||
		!strings.Contains(summaries[0]["msg"].(string), "8 more 404 endpoint_not_found responses") {
		t.Errorf("summaries %v", summaries)
	}
}
