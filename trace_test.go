package apierr

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWriteTraceID: a body carries trace_id only when the request's State
// was given one (telemetry asked to), in both built-in formats.
func TestWriteTraceID(t *testing.T) {
	const id = "4bf92f3577b34da6a3ce929d0e0e4736"
	tests := []struct {
		name, accept, traceID, want string
	}{
		{name: "envelope, none set", accept: "application/json"},
		{name: "problem, none set", accept: "application/problem+json"},
		{name: "envelope", accept: "application/json", traceID: id, want: `,"request_id":"r1","trace_id":"` + id + `"}`},
		{name: "problem", accept: "application/problem+json", traceID: id, want: `"request_id":"r1","trace_id":"` + id + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := new(State)
			st.SetTraceID(tt.traceID)
			r := httptest.NewRequest("GET", "/x", nil).WithContext(NewContext(context.Background(), st))
			r.Header.Set("Accept", tt.accept)
			w := httptest.NewRecorder()
			e := New("not_found")
			e.RequestID = "r1"
			Write(w, r, e)
			body := w.Body.String()
			if strings.Contains(tt.accept, "problem") != strings.HasPrefix(body, `{"type":`) {
				t.Fatalf("Accept %s got %s", tt.accept, body)
			}
			if tt.want == "" && strings.Contains(body, "trace_id") {
				t.Errorf("trace_id without SetTraceID: %s", body)
			}
			if tt.want != "" && !strings.Contains(body, tt.want) {
				t.Errorf("body %s lacks %s", body, tt.want)
			}
		})
	}
	var nilState *State
	nilState.SetTraceID(id) // no panic
	if nilState.TraceID() != "" {
		t.Error("nil State has a trace ID")
	}
}
