package docgen_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

var shop = apierr.MustLoad([]byte(`
name: Shop
docs_url: https://shop.test/docs/errors/{slug}
codes:
  out_of_stock:
    status: 409
    title: Out of stock
    message: The item is out of stock.
    action: wait_for_restock
    context:
      sku: {type: string, required: true, description: The item.}
      available: {type: integer, description: Units left.}
`), "errors.yaml")

// Mount the docs on the API so the docs URL of every error resolves.
func ExampleHandler() {
	mux := http.NewServeMux()
	docs := docgen.Handler(shop)
	mux.Handle("/docs/errors/", docs)
	mux.Handle("/llms.txt", docs)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/docs/errors/out-of-stock", "/docs/errors/", "/llms.txt", "/docs/errors/no-such-code"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		var body struct{ Error string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(path, " ", resp.StatusCode, " ", resp.Header.Get("Content-Type"), " ", body.Error)))
	}
	// Output:
	// /docs/errors/out-of-stock 200 text/html; charset=utf-8
	// /docs/errors/ 200 text/html; charset=utf-8
	// /llms.txt 200 text/plain; charset=utf-8
	// /docs/errors/no-such-code 404 application/json endpoint_not_found
}

func ExampleGoCode() {
	src, err := docgen.GoCode(shop, "shoperr")
	if err != nil {
		panic(err)
	}
	// Print the constructor of out_of_stock.
	s := string(src)
	start := strings.Index(s, "// OutOfStock returns")
	end := start + strings.Index(s[start:], "\n}\n") + 3
	fmt.Print(s[start:end])
	// Output:
	// // OutOfStock returns the out_of_stock error (409 Conflict, action wait_for_restock): The item is out of stock.
	// //
	// // Context:
	// //
	// //   - sku: The item.
	// //
	// // Its optional context members are the fields of OutOfStockContext.
	// func OutOfStock(sku string, opt ...OutOfStockContext) *apierr.Error {
	// 	e := apierr.New(CodeOutOfStock).With("sku", sku)
	// 	for _, o := range opt {
	// 		if o.Available != 0 {
	// 			e = e.With("available", o.Available)
	// 		}
	// 	}
	// 	return e
	// }
}
