package apierrecho_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apierr/apierr"
	apierrecho "github.com/apierr/apierr/adapters/echo"
	"github.com/labstack/echo/v4"
)

func ExampleInstall() {
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
	e := echo.New()
	apierrecho.Install(e, cat)
	e.POST("/orders", func(c echo.Context) error {
		return apierr.New("out_of_stock") // handlers return catalog errors natively
	})

	for _, req := range []*http.Request{
		httptest.NewRequest("POST", "/orders", nil),
		httptest.NewRequest("GET", "/orders", nil),  // echo's 405
		httptest.NewRequest("GET", "/nowhere", nil), // echo's 404
	} {
		req.Header.Set("X-Request-ID", "req_1")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Header().Get("Allow"), w.Body.String())
	}
	// Output:
	// 409  {"error":"out_of_stock","message":"The item is out of stock.","request_id":"req_1"}
	// 405 OPTIONS, POST {"error":"method_not_allowed","message":"This endpoint does not accept this HTTP method.","action":"check_method","context":{"allowed":["OPTIONS","POST"]},"request_id":"req_1"}
	// 404  {"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","request_id":"req_1"}
}
