package middleware_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/middleware"
)

// chiBody is what a catalog error body says, in the fax catalog's envelope.
type chiBody struct {
	Error     string `json:"error"`
	RequestID string `json:"request_id"`
}

func chiGet(t *testing.T, method, url string, hdr ...string) (*http.Response, chiBody) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b chiBody
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", method, url, err)
	}
	return res, b
}

// TestChi runs the stack the idiomatic chi way (r.Use) and wrapped around
// the router from the outside: chi's own 404 and 405, a panic, a plain
// http.Error and an Auth layer inside the router all come out as the
// catalog's errors, with the route chi matched in the log.
func TestChi(t *testing.T) {
	cat := faxCatalog(t)
	code := func(c apierr.Condition) string { return cat.ForCondition(c).ID }
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add(testKey, apierr.Principal{Tenant: "ws_1", KeyID: "key_1", Environment: "test"}); err != nil {
		t.Fatal(err)
	}
	auth := auth.New(auth.Config{Keys: keys})
	routes := func(r chi.Router) {
		r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
		r.Get("/plain", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "teapot", http.StatusBadRequest) })
		r.With(auth).Get("/faxes/{id}", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	}
	for _, wiring := range []string{"use", "outside"} {
		t.Run(wiring, func(t *testing.T) {
			var logs bytes.Buffer
			stack := middleware.Stack(cat, middleware.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			r := chi.NewRouter()
			var h http.Handler = r
			if wiring == "use" {
				r.Use(stack)
			} else {
				h = stack(r)
			}
			routes(r)
			srv := httptest.NewServer(h)
			defer srv.Close()
			for _, tc := range []struct {
				method, path string
				hdr          []string
				status       int
				code         string
			}{
				{"GET", "/nope", nil, 404, code(apierr.CondEndpointNotFound)},
				{"POST", "/plain", nil, 405, code(apierr.CondMethodNotAllowed)},
				{"GET", "/panic", nil, 500, code(apierr.CondInternal)},
				{"GET", "/faxes/1", nil, 401, code(apierr.CondAuthMissing)},
				{"GET", "/faxes/1", []string{"Authorization", "Bearer " + testKey}, 404, code(apierr.CondNotFound)},
			} {
				res, b := chiGet(t, tc.method, srv.URL+tc.path, tc.hdr...)
				if res.StatusCode != tc.status || b.Error != tc.code || b.RequestID == "" || res.Header.Get("X-Request-Id") != b.RequestID {
					t.Errorf("%s %s: %d %+v, want %d %s with a request ID", tc.method, tc.path, res.StatusCode, b, tc.status, tc.code)
				}
				if tc.status == 405 && res.Header.Get("Allow") == "" {
					t.Errorf("405 without Allow")
				}
			}
			// A plain http.Error from a handler is normalized to its status's code.
			res, b := chiGet(t, "GET", srv.URL+"/plain")
			if res.StatusCode != 400 || b.Error == "" {
				t.Errorf("plain http.Error: %d %+v", res.StatusCode, b)
			}
			if !bytes.Contains(logs.Bytes(), []byte(`"route":"/faxes/{id}"`)) {
				t.Errorf("no record names chi's route /faxes/{id}:\n%s", logs.String())
			}
		})
	}
}
