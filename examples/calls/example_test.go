package calls_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/calls"
)

// A call with a number that is not E.164 is INVALID_FORMAT, worded and
// shaped as the calls API documents it.
func Example() {
	keys := auth.NewMemoryKeyStore()
	_ = keys.Add("mh_demo_token", apierr.Principal{Tenant: "ws_1", Scopes: []string{calls.ScopeWrite}})
	srv := httptest.NewServer(calls.NewServer(calls.Config{Tokens: keys}))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/call",
		strings.NewReader(`{"agentId":"550e8400-e29b-41d4-a716-446655440000","participant":{"number":"555-0100"}}`))
	req.Header.Set("Authorization", "Bearer mh_demo_token")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode)
	fmt.Println(string(body))
	// Output:
	// 422
	// {"success":false,"message":"Validation failed","error":{"code":"INVALID_FORMAT","field":"participant.number","details":"Phone number must be in E.164 format (e.g., +1234567890)"}}
}
