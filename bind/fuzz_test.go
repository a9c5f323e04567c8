package bind

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/apierr/apierr"
)

func FuzzBind(f *testing.F) {
	f.Add([]byte(`{"to":"+14155550100","items":[{"sku":"a"}]}`))
	f.Add([]byte(`{"to":5}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte("{\"to\":\"\xff\"}"))
	f.Add([]byte(`{"items":[{"sku":1}]} trailing`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		type item struct {
			SKU string `json:"sku" validate:"required"`
		}
		var v struct {
			To    string `json:"to" validate:"required,e164"`
			ID    string `json:"id" validate:"omitempty,uuid"`
			Items []item `json:"items" validate:"dive"`
		}
		for _, opts := range [][]Option{nil, {DisallowUnknownFields()}} {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			err := JSON(r, &v, opts...)
			if err == nil {
				continue
			}
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("JSON returned %T %v", err, err)
			}
			switch e.Condition {
			case apierr.CondMalformedBody, apierr.CondValidationFailed, apierr.CondPayloadTooLarge:
			default:
				t.Fatalf("JSON(%q) = condition %q", body, e.Condition)
			}
		}
	})
}
