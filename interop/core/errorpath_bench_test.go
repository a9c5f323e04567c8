package core_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierr/apierr"
)

// discardWriter is a ResponseWriter that keeps its header map and drops the
// body, so benchmarks measure rendering, not a recorder.
type discardWriter struct {
	h    http.Header
	n    int
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }
func (d *discardWriter) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

func benchRequest(b *testing.B, cat *apierr.Catalog, accept string) *http.Request {
	r := httptest.NewRequest("POST", "/fax", nil)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	return r.WithContext(apierr.NewContext(context.Background(), apierr.NewState(cat, "req_01HZX3")))
}

// BenchmarkErrorPath compares, in one run, rendering a catalog error with two
// context fields (envelope and problem+json) against a hand-written
// json.Marshal of an equivalent struct and huma v2's error path.
func BenchmarkErrorPath(b *testing.B) {
	cat, err := apierr.LoadFile("../../examples/fax/errors.yaml")
	if err != nil {
		b.Fatal(err)
	}
	e := apierr.New("insufficient_balance").With("available", 3).With("required", 5)
	for _, bc := range []struct{ name, accept string }{{"apierr/envelope", ""}, {"apierr/problem", "application/problem+json"}} {
		b.Run(bc.name, func(b *testing.B) {
			r := benchRequest(b, cat, bc.accept)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				cat.Write(w, r, e)
			}
		})
	}
	b.Run("apierr/envelope+build", func(b *testing.B) {
		r := benchRequest(b, cat, "")
		w := &discardWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			cat.Write(w, r, apierr.New("insufficient_balance").With("available", 3).With("required", 5))
		}
	})
	type ctxT struct {
		Available int `json:"available"`
		Required  int `json:"required"`
	}
	type body struct {
		Error     string `json:"error"`
		Message   string `json:"message"`
		Action    string `json:"action"`
		Docs      string `json:"docs"`
		Context   ctxT   `json:"context"`
		RequestID string `json:"request_id"`
	}
	b.Run("handwritten/json.Marshal", func(b *testing.B) {
		r := benchRequest(b, cat, "")
		w := &discardWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			v := body{Error: "insufficient_balance", Message: "Not enough credits to complete this operation.",
				Action: "top_up_balance", Docs: "https://mintfax.com/docs/errors/insufficient-balance",
				Context: ctxT{3, 5}, RequestID: apierr.RequestID(r.Context())}
			out, _ := json.Marshal(v)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(402)
			_, _ = w.Write(out)
		}
	})
	b.Run("huma/NewError+json", func(b *testing.B) {
		w := &discardWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			se := huma.NewError(402, "Not enough credits to complete this operation.",
				&huma.ErrorDetail{Location: "body.available", Value: 3, Message: "available"},
				&huma.ErrorDetail{Location: "body.required", Value: 5, Message: "required"})
			out, _ := json.Marshal(se)
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(se.GetStatus())
			_, _ = w.Write(out)
		}
	})
}
