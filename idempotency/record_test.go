package idempotency_test

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"

	"github.com/apierr/apierr/idempotency"
)

func TestRecordBinary(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  idempotency.Record
	}{
		{"in flight", idempotency.Record{Status: idempotency.InFlight, Token: idempotency.NewToken(), Fingerprint: idempotency.Fingerprint{1, 2, 3}}},
		{"completed", idempotency.Record{Status: idempotency.Completed, Token: idempotency.NewToken(), Code: 201,
			Header: http.Header{"Content-Type": {"application/json"}, "Link": {"<a>", "<b>"}}, Body: []byte(`{"id":1}`)}},
		{"completed error", idempotency.Record{Status: idempotency.Completed, Code: 402, ErrorCode: "insufficient_balance", Body: []byte(`{}`)}},
		{"completed, no headers or body", idempotency.Record{Status: idempotency.Completed, Code: 204}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.rec.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b[idempotency.TokenOffset:idempotency.TokenOffset+16], tc.rec.Token[:]) {
				t.Fatal("token not at TokenOffset")
			}
			var got idempotency.Record
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if len(got.Body) == 0 {
				got.Body = tc.rec.Body
			}
			if !reflect.DeepEqual(got, tc.rec) {
				t.Fatalf("round trip = %+v; want %+v", got, tc.rec)
			}
		})
	}
}

func FuzzRecordUnmarshal(f *testing.F) {
	done := idempotency.Record{Status: idempotency.Completed, Code: 200, Header: http.Header{"A": {"b"}}, Body: []byte("x")}
	b, _ := done.MarshalBinary()
	f.Add(b)
	inflight := idempotency.Record{Status: idempotency.InFlight}
	b, _ = inflight.MarshalBinary()
	f.Add(b)
	f.Add([]byte{1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r idempotency.Record
		if err := r.UnmarshalBinary(b); err != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var r2 idempotency.Record
		if err := r2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
	})
}
