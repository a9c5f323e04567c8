package apierrhuma_test

import (
	gocontext "context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/middleware"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

func ExampleConfigure() {
	cat, err := apierr.Load([]byte(`
name: Shop
codes:
  out_of_stock:
    status: 409
    message: The item is out of stock.
`), "errors.yaml")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	config := huma.DefaultConfig("Shop", "1.0.0")
	config.Transformers = nil // no $schema link in bodies, to keep the output short
	api := humago.New(mux, apierrhuma.Configure(config, cat))
	type order struct {
		Body struct {
			SKU      string `json:"sku" minLength:"3"`
			Quantity int    `json:"quantity" minimum:"1"`
		}
	}
	huma.Post(api, "/orders", func(ctx gocontext.Context, in *order) (*struct{}, error) {
		return nil, apierr.New("out_of_stock") // handlers return catalog errors natively
	})
	h := middleware.Stack(cat)(mux)

	for _, body := range []string{`{"sku":"ab","quantity":0}`, `{"sku":"abc","quantity":1}`} {
		req := httptest.NewRequest("POST", "/orders", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-ID", "req_1")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 422 {"error":"validation_failed","message":"quantity must be at least 1. (and 1 more error)","action":"fix_request","context":{"errors":{"quantity":["quantity must be at least 1."],"sku":["sku must be at least 3 characters long."]}},"request_id":"req_1"}
	// 409 {"error":"out_of_stock","message":"The item is out of stock.","request_id":"req_1"}
}
