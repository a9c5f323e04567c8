package apierrgin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apierr/apierr"
	apierrgin "github.com/apierr/apierr/adapters/gin"
	"github.com/gin-gonic/gin"
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
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	apierrgin.Install(r, cat)
	r.POST("/orders", func(c *gin.Context) {
		_ = c.Error(apierr.New("out_of_stock")) // handlers attach catalog errors natively
	})

	for _, req := range []*http.Request{
		httptest.NewRequest("POST", "/orders", nil),
		httptest.NewRequest("GET", "/orders", nil),  // gin's NoMethod
		httptest.NewRequest("GET", "/nowhere", nil), // gin's NoRoute
	} {
		req.Header.Set("X-Request-ID", "req_1")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Header().Get("Allow"), w.Body.String())
	}
	// Output:
	// 409  {"error":"out_of_stock","message":"The item is out of stock.","request_id":"req_1"}
	// 405 POST {"error":"method_not_allowed","message":"This endpoint does not accept this HTTP method.","action":"check_method","context":{"allowed":["POST"]},"request_id":"req_1"}
	// 404  {"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","request_id":"req_1"}
}
