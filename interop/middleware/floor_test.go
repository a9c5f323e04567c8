//go:build unix

package middleware_test

import (
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/apierr/apierr/middleware"
)

// The contract floors of the hot-path benchmarks send the stack's response:
// the same status, the same header fields with the same values (the
// request ID aside, which is fresh on both sides) and the same body but for
// the ID. What BENCHMARKS.md says of them rests on this.
func TestContractFloorsMatchTheStack(t *testing.T) {
	cat := faxCatalog(t)
	stack := middleware.Stack(cat, middleware.WithLogger(slog.New(slog.DiscardHandler)))(apierrMux())
	for _, tc := range []struct {
		name, path string
		floor      http.Handler
	}{
		{"402 contract floor", "/fax", floorContractMux()},
		{"404 normalizing floor", "/nowhere", floorNormalizer(floorMux())},
		{"404 catch-all floor", "/nowhere", floorContractMux()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := serveOnce(stack, tc.path)
			got := serveOnce(tc.floor, tc.path)
			if got.Code != want.Code {
				t.Fatalf("status %d, the stack's %d", got.Code, want.Code)
			}
			gh, wh := got.Header().Clone(), want.Header().Clone()
			for _, h := range []http.Header{gh, wh} {
				if len(h["X-Request-Id"]) != 1 || len(h["X-Request-Id"][0]) != 26 {
					t.Fatalf("X-Request-Id %q", h["X-Request-Id"])
				}
				delete(h, "X-Request-Id")
			}
			if !maps.EqualFunc(gh, wh, func(a, b []string) bool { return reflect.DeepEqual(a, b) }) {
				t.Errorf("headers\n got %v\nwant %v", gh, wh)
			}
			gb, wb := bodyWithoutID(t, got), bodyWithoutID(t, want)
			if !reflect.DeepEqual(gb, wb) {
				t.Errorf("body\n got %v\nwant %v", gb, wb)
			}
		})
	}
}

func serveOnce(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "http://api.test"+path, nil))
	return w
}

// bodyWithoutID decodes w's JSON body and checks its request_id is the
// X-Request-Id header's before dropping it.
func bodyWithoutID(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	if id := w.Header().Get("X-Request-Id"); m["request_id"] != id {
		t.Errorf("request_id %v, header %q", m["request_id"], id)
	}
	delete(m, "request_id")
	return m
}

// On a route that answers, the normalizing floor adds only the request ID,
// as the stack does.
func TestNormalizingFloorLeavesSuccessAlone(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	w := httptest.NewRecorder()
	floorNormalizer(mux).ServeHTTP(w, httptest.NewRequest("GET", "/ok", nil))
	if w.Code != 200 || w.Body.String() != "ok" || len(w.Header()) != 1 || w.Header().Get("X-Request-Id") == "" {
		t.Fatalf("%d %v %q", w.Code, w.Header(), w.Body)
	}
}
