package metrics_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/metrics"
	"github.com/apierr/apierr/middleware"
	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestMetricsChi counts the responses of a chi router the idiomatic way
// (r.Use), as metrics_test does for ServeMux.
func TestMetricsChi(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"/ok":    func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") },
		"/gone":  func(w http.ResponseWriter, r *http.Request) { apierr.Write(w, r, apierr.New("not_found")) },
		"/plain": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", http.StatusBadGateway) },
		"/panic": func(w http.ResponseWriter, r *http.Request) { panic("boom") },
	}
	build := map[string]func(m *metrics.Metrics) http.Handler{
		"chi": func(m *metrics.Metrics) http.Handler {
			r := chi.NewRouter()
			r.Use(middleware.Stack(nil, middleware.WithLogger(slog.New(slog.DiscardHandler))), m.Handler)
			for p, h := range handlers {
				r.Get(p, h)
			}
			return r
		},
	}
	for kind, mk := range build {
		t.Run(kind, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := metrics.New(reg)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mk(m))
			defer srv.Close()
			for _, p := range []string{"/ok", "/ok", "/gone", "/plain", "/panic", "/nowhere"} {
				res, err := http.Get(srv.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
			}
			ms := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
			defer ms.Close()
			res, err := http.Get(ms.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			for _, want := range []string{
				`apierr_http_responses_total{code="",status="200"} 2`,
				`apierr_http_responses_total{code="not_found",status="404"} 1`,
				`apierr_http_responses_total{code="service_unavailable",status="502"} 1`,
				`apierr_http_responses_total{code="internal_error",status="500"} 1`,
				`apierr_http_responses_total{code="endpoint_not_found",status="404"} 1`,
			} {
				if !strings.Contains(string(body), want) {
					t.Errorf("missing %s in\n%s", want, body)
				}
			}
		})
	}
}
