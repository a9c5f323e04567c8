package apierr_test

import (
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/apierr/apierr"
)

func ExampleLoad() {
	_, err := apierr.Load([]byte("codes:\n  out_of_stock:\n    stauts: 409\n    message: Sold out.\n"), "errors.yaml")
	fmt.Println(err)
	// Output:
	// apierr: errors.yaml:3:5: unknown key "stauts" in code "out_of_stock" (did you mean "status"?)
	// apierr: errors.yaml:2:3: code "out_of_stock" has no status
}

func ExampleWrite() {
	cat := apierr.MustLoad([]byte(`
name: shop
docs_url: https://shop.example/errors/{slug}
codes:
  out_of_stock:
    status: 409
    message: The item is sold out.
    action: choose_another_item
`), "errors.yaml")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/orders", nil)
	cat.Write(w, r, apierr.New("out_of_stock").With("sku", "A-1"))
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body.String())
	// Output:
	// 409 application/json
	// {"error":"out_of_stock","message":"The item is sold out.","action":"choose_another_item","docs":"https://shop.example/errors/out-of-stock","context":{"sku":"A-1"}}
}

func ExampleCond() {
	// Middleware raise conditions; the catalog decides the code. The default
	// catalog binds every condition.
	w := httptest.NewRecorder()
	apierr.Write(w, httptest.NewRequest("GET", "/", nil), apierr.Cond(apierr.CondRateLimited).WithRetryAfter(3e9))
	fmt.Println(w.Code, w.Header().Get("Retry-After"))
	// Output: 429 3
}

func ExampleError_Is() {
	err := fmt.Errorf("charging: %w", apierr.New("insufficient_balance"))
	fmt.Println(errors.Is(err, apierr.New("insufficient_balance")))
	// Output: true
}

func ExampleCatalog_Negotiate() {
	cat := apierr.Default()
	fmt.Println(cat.Negotiate("application/problem+json, application/json;q=0.5").Name())
	fmt.Println(cat.Negotiate("text/html").Name())
	// Output:
	// problem
	// envelope
}
