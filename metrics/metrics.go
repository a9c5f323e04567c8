// Package metrics counts an apierr service's responses in Prometheus by
// catalog code and status. It is the only apierr package that imports
// client_golang.
//
//	m, err := metrics.New(prometheus.DefaultRegisterer)
//	...
//	handler := middleware.Stack(cat)(m.Handler(mux))
//
// Install it inside middleware.Stack, which gives each request its
// apierr.State: after the handler, the middleware reads State.Err() for the
// code and the status the stack's writer saw.
package metrics

import (
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// Config configures New. Its zero value works.
type Config struct {
	// Namespace prefixes the metric name (default "apierr").
	Namespace string
	// ConstLabels are added to every series (e.g. the service name).
	ConstLabels prometheus.Labels
}

// Metrics holds the counter. It is safe for concurrent use.
type Metrics struct {
	responses *prometheus.CounterVec
}

// New registers apierr_http_responses_total{code,status} with reg: every
// response, code "" for the ones that are not catalog errors.
func New(reg prometheus.Registerer) (*Metrics, error) { return NewWithConfig(reg, Config{}) }

// NewWithConfig is New with a Config.
func NewWithConfig(reg prometheus.Registerer, cfg Config) (*Metrics, error) {
	ns := cfg.Namespace
	if ns == "" {
		ns = "apierr"
	}
	m := &Metrics{responses: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace:   ns,
		Subsystem:   "http",
		Name:        "responses_total",
		Help:        "HTTP responses by catalog error code (empty for non-errors) and status.",
		ConstLabels: cfg.ConstLabels,
	}, []string{"code", "status"})}
	if reg != nil {
		if err := reg.Register(m.responses); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Collector returns the counter, for registries managed by the caller.
func (m *Metrics) Collector() prometheus.Collector { return m.responses }

// Handler is the middleware: use m.Handler where a
// func(http.Handler) http.Handler is expected. A panic passing through is
// counted as the catalog's internal error (500) and re-raised for the
// stack's recover layer.
func (m *Metrics) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v != http.ErrAbortHandler {
					code := ""
					if c := apierr.CatalogFrom(r.Context()).ForCondition(apierr.CondInternal); c != nil {
						code = c.ID
					}
					m.responses.WithLabelValues(code, "500").Inc()
				}
				panic(v)
			}
			code := ""
			status := middleware.Status(w)
			if st := apierr.StateFrom(r.Context()); st.Err() != nil {
				code = st.Code()
				if status == 0 {
					status = st.Status()
				}
			}
			if status == 0 {
				status = http.StatusOK // a handler that wrote nothing
			}
			m.responses.WithLabelValues(code, statusText(status)).Inc()
		}()
		next.ServeHTTP(w, r)
	})
}

var statusStrings = func() (s [600]string) {
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

func statusText(code int) string {
	if code >= 0 && code < len(statusStrings) {
		return statusStrings[code]
	}
	return strconv.Itoa(code)
}
