package examples_test

import (
	"encoding/json"
	"testing"

	"github.com/apierr/apierr"
)

// benchError is a rendered catalog error with two context fields, as in the
// root package's render benchmarks.
func benchError() *apierr.Error {
	return &apierr.Error{Code: "RESOURCE_NOT_FOUND", Status: 404, Message: "Resource not found",
		Detail: "Call with ID '550e8400-e29b-41d4-a716-446655440000' not found", RequestID: "01JDX3V9Q8M2",
		Context: map[string]any{"id": "550e8400-e29b-41d4-a716-446655440000", "workspace": "ws_1"}}
}

// BenchmarkSeedFormats renders one error in each seed's format, beside
// json.Marshal of a hand-written struct of the same members.
func BenchmarkSeedFormats(b *testing.B) {
	e := benchError()
	for _, f := range seedFormatList {
		b.Run(f.Name(), func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 512)
			for b.Loop() {
				buf = f.AppendBody(buf[:0], e)
			}
		})
	}
	type callsBody struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
		Error   struct {
			Code    string `json:"code"`
			Details string `json:"details,omitempty"`
		} `json:"error"`
	}
	b.Run("json.Marshal-calls", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v callsBody
			v.Message, v.Error.Code, v.Error.Details = e.Message, e.Code, e.Detail
			if _, err := json.Marshal(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	type inboxBody struct {
		Error     string         `json:"error"`
		Message   string         `json:"message"`
		Details   map[string]any `json:"details"`
		RequestID *string        `json:"request_id"`
	}
	b.Run("json.Marshal-inbox", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v := inboxBody{Error: e.Code, Message: e.Message, Details: e.Context, RequestID: &e.RequestID}
			if _, err := json.Marshal(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
