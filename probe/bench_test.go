package probe

import (
	"context"
	"strings"
	"testing"

	"github.com/apierr/apierr/probe/probetest"
)

// BenchmarkRun is one whole battery (16 exchanges, a 16 MiB body among them,
// and the docs look-ups) against a reference API on loopback.
func BenchmarkRun(b *testing.B) {
	api := probetest.Correct(0)
	defer api.Close()
	cfg := Config{BaseURL: api.URL, Catalog: api.Catalog, Key: probetest.Key, PostPath: probetest.PostPath}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), cfg)
		if err != nil || !rep.OK() {
			b.Fatal(err)
		}
	}
}

// BenchmarkLeakScan is the leak checks on one body: a typical error body,
// and 64 KiB of filler (the most the checks read).
func BenchmarkLeakScan(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"envelope", `{"error":"validation_failed","message":"The to field is required.","action":"fix_request","docs":"https://mintfax.com/docs/errors/validation-failed","context":{"errors":{"to":["The to field is required."]}},"request_id":"req_1"}`},
		{"64KiB", `{"error":"` + strings.Repeat("a", 64<<10) + `"}`},
		{"stack", `{"error":"internal","trace":"goroutine 1 [running]:\nmain.main()\n\t/home/app/main.go:9 +0x1d"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				_, text := bodyText([]byte(bc.body), "/x")
				lower := strings.ToLower(text)
				for _, ls := range [][]leak{stackLeaks, pathLeaks, sqlLeaks} {
					_ = scanLeaks(text, lower, ls)
				}
			}
		})
	}
}
