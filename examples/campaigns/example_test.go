package campaigns_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/campaigns"
)

// A workspace whose credits are spent gets INSUFFICIENT_CREDITS, as the
// campaigns API's page shows it.
func Example() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("m5_demo_key", apierr.Principal{Tenant: "ws_1"})
	api := campaigns.NewServer(campaigns.Config{Keys: keys, Credits: 1})
	api.AddCampaign("ws_1", "cmp_1", "Spring launch")
	srv := httptest.NewServer(api)
	defer srv.Close()
	for range 2 {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/campaigns/cmp_1/generate",
			strings.NewReader(`{"lead":{"email":"ann@example.com"}}`))
		req.Header.Set("X-API-Key", "m5_demo_key")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, string(body))
	}
	// Output:
	// 200 {"lead":{"email":"ann@example.com"},"email":"Hi there, a short note about Spring launch."}
	// 402 {"error":"INSUFFICIENT_CREDITS","message":"You have 0 credits remaining. Please upgrade your plan."}
}
