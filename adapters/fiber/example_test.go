package apierrfiber_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	apierrfiber "github.com/apierr/apierr/adapters/fiber"
	"github.com/apierr/apierr/auth"
	"github.com/gofiber/fiber/v2"
)

func shopCatalog() *apierr.Catalog {
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
	return cat
}

// show sends req to app (fiber's in-memory app.Test) and prints the status,
// the Allow header and the body.
func show(app *fiber.App, req *http.Request) {
	req.Header.Set("X-Request-ID", "req_1")
	resp, err := app.Test(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Allow"), string(body))
}

func ExampleNew() {
	app := apierrfiber.New(shopCatalog())
	app.Post("/orders", func(c *fiber.Ctx) error {
		return apierr.New("out_of_stock") // handlers return catalog errors natively
	})

	show(app, httptest.NewRequest("POST", "/orders", nil))
	show(app, httptest.NewRequest("GET", "/orders", nil))  // fiber's 405
	show(app, httptest.NewRequest("GET", "/nowhere", nil)) // fiber's 404
	// Output:
	// 409  {"error":"out_of_stock","message":"The item is out of stock.","request_id":"req_1"}
	// 405 POST {"error":"method_not_allowed","message":"This endpoint does not accept this HTTP method.","action":"check_method","context":{"allowed":["POST"]},"request_id":"req_1"}
	// 404  {"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","request_id":"req_1"}
}

func ExampleBind() {
	app := apierrfiber.New(shopCatalog())
	app.Post("/orders", func(c *fiber.Ctx) error {
		var req struct {
			SKU   string `json:"sku" validate:"required"`
			Count int    `json:"count" validate:"min=1"`
		}
		if err := apierrfiber.Bind(c, &req); err != nil {
			return err
		}
		return c.SendStatus(http.StatusCreated)
	})

	req := httptest.NewRequest("POST", "/orders", strings.NewReader(`{"count":0}`))
	req.Header.Set("Content-Type", "application/json")
	show(app, req)
	// Output:
	// 422  {"error":"validation_failed","message":"The sku field is required. (and 1 more error)","action":"fix_request","context":{"errors":{"sku":["The sku field is required."],"count":["count must be at least 1."]}},"request_id":"req_1"}
}

func ExampleWrap() {
	keys := auth.NewMemoryKeyStore()
	app := apierrfiber.New(shopCatalog())
	app.Get("/orders", apierrfiber.Wrap(auth.New(auth.Config{Keys: keys})), func(c *fiber.Ctx) error {
		return c.JSON(apierr.PrincipalFrom(c.UserContext()))
	})

	show(app, httptest.NewRequest("GET", "/orders", nil))
	// Output:
	// 401  {"error":"authentication_required","message":"This request needs credentials.","action":"check_credentials","request_id":"req_1"}
}
